import CRM
import Foundation
import Testing
import TestSupport
import Workflows

/// Follow-up passes against both databases: due calls become tasks once, however many passes or daemons run.
@Suite("Follow-up passes")
struct FollowUpSchedulerTests {
    @Test("an A lead left a week gets one follow-up task; a second pass and two concurrent passes add none; a C lead none",
          arguments: TestEngine.available)
    func idempotent(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let agent = try await store.addUser(name: "王芳", role: .agent, extension: "1001").user
            func customer(_ name: String, _ number: String, _ grade: LeadGrade) async throws -> Int {
                try await store.createCustomer(NewCustomer(name: name, ownerID: agent.id,
                    phones: [(number, try #require(store.normalizer.normalize(number).phoneNumber))], grade: grade))
            }
            let warm = try await customer("李雷", "13800138000", .a)
            _ = try await customer("韩梅梅", "13900139000", .c)
            let scheduler = FollowUpScheduler(store: store, planner: FollowUpPlanner(calendar: WorkCalendar()))
            let inAWeek = Date().addingTimeInterval(8 * 86_400)
            let first = try await scheduler.runPass(now: inAWeek)
            #expect(first.created == 1 && first.leads == 1, "\(first)")
            let second = try await scheduler.runPass(now: inAWeek)
            #expect(second.created == 0)
            async let one = scheduler.runPass(now: inAWeek.addingTimeInterval(60))
            async let two = scheduler.runPass(now: inAWeek.addingTimeInterval(60))
            let (a, b) = try await (one, two)
            #expect(a.created + b.created == 0)
            let tasks = try await store.tasks(TaskFilter(customerID: warm, limit: 10), visibleTo: agent)
            #expect(tasks.count == 1 && tasks.first?.kind == .followUp && tasks.first?.ownerID == agent.id)
            #expect(WorkCalendar().isWorkingDay(try #require(tasks.first?.dueAt)))
        }
    }

    @Test("a rep's open tasks are counted per day in the centre's zone, counted in the database: 23:30 and 00:30 fall on two days; done and team tasks do not count",
          arguments: TestEngine.available)
    func loadByDay(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let agent = try await store.addUser(name: "王芳", role: .agent, extension: "1001").user
            let customer = try await store.createCustomer(NewCustomer(name: "李雷", ownerID: agent.id,
                phones: [("13800138000", try #require(store.normalizer.normalize("13800138000").phoneNumber))]))
            let calendar = WorkCalendar()
            // 2030-03-04 23:30 and 2030-03-05 00:30 in Shanghai (UTC+8), twice the first.
            let lateEvening = try Date("2030-03-04T15:30:00Z", strategy: .iso8601)
            for due in [lateEvening, lateEvening, lateEvening.addingTimeInterval(3600)] {
                try await store.addTask(customerID: customer, kind: .followUp, ownerID: agent.id, dueAt: due, note: nil)
            }
            let done = try await store.addTask(customerID: customer, kind: .complaint, ownerID: agent.id, dueAt: lateEvening, note: nil)
            try await store.completeTask(done, result: "已处理", by: agent)
            let start = lateEvening.addingTimeInterval(-86_400)
            let load = try await store.openTaskLoad(from: start, timeZone: calendar.timeZone, day: calendar.day(of:))
            #expect(load == [agent.id: ["2030-03-04": 2, "2030-03-05": 1]], "\(load)")
            #expect(try await store.openTaskLoad(from: lateEvening.addingTimeInterval(60), timeZone: calendar.timeZone, day: calendar.day(of:))
                    == [agent.id: ["2030-03-05": 1]])
        }
    }
}
