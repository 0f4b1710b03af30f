import CRM
import Foundation
import Logging
import SQLKit
import Telephony
import Testing

/// `calldesk schedule run --now …` from the outside: the built binary against an SQLite file.
@Suite("calldesk schedule run and report, from outside")
struct ScheduleCommandTests {
    /// The `calldesk` binary beside the test bundle.
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("calldesk")
    }

    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A folder with an SQLite database (seeded by `seed`) and a `calldesk.yaml` naming it, removed after `body`.
    func withDatabase(_ name: String, seed: (CRMStore) async throws -> Void,
                      _ body: (_ folder: URL, _ config: URL, _ reopen: () async throws -> CRMStore) async throws -> Void) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the calldesk product first")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("crm.sqlite").path
        var logger = Logger(label: "calldesk.test")
        logger.logLevel = .critical
        let open = { try await CRMStore.open(location: .sqlite(path: database), normalizer: Self.normalizer, logger: logger) }
        let store = try await open()
        try await seed(store)
        await store.close()
        let config = folder.appendingPathComponent("calldesk.yaml")
        try "database:\n  url: sqlite://\(database)\nlog:\n  level: error\n".write(to: config, atomically: true, encoding: .utf8)
        try await body(folder, config, open)
    }

    static let normalizer = PhoneNormalizer(plan: .forCountryCode("86"))

    @Test("a pass as of three months on plans the follow-up and moves the stale A lead up the team, and says so; a second pass does nothing")
    func passFromOutside() async throws {
        var senior: User?
        try await withDatabase("schedule", seed: { store in
            let junior = try await store.addUser(name: "小王", role: .agent, extension: "1001", team: "sales", seniority: 1).user
            senior = try await store.addUser(name: "老张", role: .agent, extension: "1002", team: "sales", seniority: 3).user
            _ = try await store.createCustomer(NewCustomer(name: "李雷", ownerID: junior.id,
                phones: [("13800138000", try #require(Self.normalizer.normalize("13800138000").phoneNumber))], grade: .a))
        }) { _, config, reopen in
            let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(91 * 86_400))

            let first = try run(["schedule", "run", "--config", config.path, "--now", later])
            #expect(first.status == 0 && first.output.contains("1 new tasks") && first.output.contains("stale_a 1"), "\(first.output)")
            let second = try run(["schedule", "run", "--config", config.path, "--now", later])
            #expect(second.status == 0 && second.output.contains("0 new tasks") && second.output.contains("escalated: none"), "\(second.output)")
            let bad = try run(["schedule", "run", "--config", config.path, "--now", "next tuesday"])
            #expect(bad.status != 0 && bad.output.contains("ISO 8601"))

            // The day's report in the terminal: every agent, the total and the queues.
            let report = try run(["report", "daily", "--config", config.path])
            #expect(report.status == 0 && report.output.contains("小王") && report.output.contains("老张") && report.output.contains("total")
                    && report.output.contains("queues: answered 0"), "\(report.output)")
            let badDay = try run(["report", "weekly", "--config", config.path, "--date", "2026-13-01"])
            #expect(badDay.status != 0 && badDay.output.contains("not a real date"), "\(badDay.output)")

            let reopened = try await reopen()
            let owners = try await reopened.database.withConnection { sql in
                try await sql.select().column("owner_id").from("leads").all(decodingColumn: "owner_id", as: Int.self)
            }
            await reopened.close()
            #expect(owners == [senior?.id])
        }
    }

    @Test("an import without owners from the terminal puts its customers into the named team's pool and says so; an unknown team is refused")
    func importIntoPool() async throws {
        var agent: User?
        try await withDatabase("pool-import", seed: { store in
            agent = try await store.addUser(name: "小王", role: .agent, extension: "1001", team: "sales").user
        }) { folder, config, reopen in
            let csv = folder.appendingPathComponent("leads.csv")
            try "姓名,手机,等级\n周一,13700137101,A\n吴二,13700137102,B\n".write(to: csv, atomically: true, encoding: .utf8)

            let unknown = try run(["import", "customers", csv.path, "--config", config.path, "--pool-team", "nosuch"])
            #expect(unknown.status != 0 && unknown.output.contains("--pool-team nosuch"), "\(unknown.output)")
            let done = try run(["import", "customers", csv.path, "--config", config.path, "--pool-team", "sales"])
            #expect(done.status == 0 && done.output.contains("2 customers created") && done.output.contains("2 new customers without an owner went into the pool"),
                    "\(done.output)")
            let reopened = try await reopen()
            let pool = try await reopened.pool(.team, visibleTo: try #require(agent))
            await reopened.close()
            #expect(pool.map(\.customer.name) == ["周一", "吴二"] && pool.allSatisfy { $0.teamID == agent?.teamID })
        }
    }
}
