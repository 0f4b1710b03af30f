import ArgumentParser
import CRM
import Foundation
import SQLKit
import Workflows

/// A follow-up planning pass over many leads (20% A, 30% B, 50% C, last progress over the past
/// 60 days, 200 reps), then the same pass again (nothing changed), then after 1% of the tasks were done.
struct ScheduleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schedule", abstract: "Follow-up planning pass time over many leads.")

    @Option(help: "Leads to seed") var leads = 1_000_000
    @Option(help: "sqlite, postgres or both") var engine = "both"

    func run() async throws {
        try await BenchDatabase.forEach(engine) { name, store in
            let start = ContinuousClock.now
            try await seed(store)
            Bench.say("[\(name)] seeded \(leads) customers and leads in \(String(format: "%.1f", (ContinuousClock.now - start).seconds)) s")
            let scheduler = FollowUpScheduler(store: store, planner: FollowUpPlanner(calendar: WorkCalendar()))
            for label in ["first pass", "second pass, nothing changed"] {
                let clock = ContinuousClock.now
                let report = try await scheduler.runPass()
                Bench.say("[\(name)] \(label): \(String(format: "%.2f", (ContinuousClock.now - clock).seconds)) s (\(report))")
                Bench.say("[\(name)]   steps: " + report.steps.map { "\($0.step) \(String(format: "%.2f", $0.took.seconds)) s" }.joined(separator: ", "))
            }
            // 1% of the calls made: their tasks done and their leads' progress now, as a logged call leaves them.
            try await store.database.withConnection { sql in
                try await sql.raw("UPDATE leads SET last_progress_at = \(bind: Date()) WHERE customer_id IN (SELECT customer_id FROM tasks WHERE id % 100 = 0)").run()
                try await sql.raw("UPDATE tasks SET status = 'done' WHERE id % 100 = 0").run()
            }
            let clock = ContinuousClock.now
            let report = try await scheduler.runPass()
            Bench.say("[\(name)] pass after 1% of the calls were made: \(String(format: "%.2f", (ContinuousClock.now - clock).seconds)) s (\(report))")
            Bench.say("[\(name)]   steps: " + report.steps.map { "\($0.step) \(String(format: "%.2f", $0.took.seconds)) s" }.joined(separator: ", "))
        }
    }

    private func seed(_ store: CRMStore) async throws {
        var owners: [Int] = []
        for index in 0..<200 { owners.append(try await store.addUser(name: "rep-\(index)", role: .agent).user.id) }
        let now = Date()
        for first in stride(from: 0, to: leads, by: 10_000) {
            try await store.database.withTransaction { sql in
                for chunk in stride(from: first, to: min(leads, first + 10_000), by: 500) {
                    let range = chunk..<min(leads, chunk + 500)
                    var customers = sql.insert(into: "customers").columns("kind", "name", "owner_id", "created_at", "updated_at")
                    for i in range { customers = customers.values(SQLBind("individual"), SQLBind("客户\(i)"), SQLBind(owners[i % 200]), SQLBind(now), SQLBind(now)) }
                    let ids = try await customers.returning("id").all(decodingColumn: "id", as: Int.self)
                    var leadRows = sql.insert(into: "leads").columns("customer_id", "grade", "stage", "owner_id", "graded_at", "last_progress_at", "created_at")
                    for (offset, id) in ids.enumerated() {
                        let i = range.lowerBound + offset
                        let grade = i % 10 < 2 ? "A" : i % 10 < 5 ? "B" : "C"
                        let progress = now.addingTimeInterval(-Double(i % 60) * 86_400)
                        leadRows = leadRows.values(SQLBind(id), SQLBind(grade), SQLBind("new"), SQLBind(owners[i % 200]),
                                                   SQLBind(progress.addingTimeInterval(-30 * 86_400)), SQLBind(progress), SQLBind(now))
                    }
                    try await leadRows.run()
                }
            }
        }
        try await store.database.withConnection { sql in try await sql.raw("ANALYZE").run() }
    }
}
