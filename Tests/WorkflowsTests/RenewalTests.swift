import CRM
import Foundation
import Testing
import TestSupport
import Vocabulary
import Workflows

/// Renewal calls before a policy expires, a win-back after, birthday greetings: planned by the pass
/// with the clock given, each once, on both databases.
@Suite("Renewals and birthdays")
struct RenewalTests {
    @Test("a policy 85 days from expiry gets a 90-day renewal call for the renewal team; at 55 days a 60-day call replaces it; a renewed policy closes it; a lapsed one gets one win-back; a birthday this month one greeting",
          arguments: TestEngine.available)
    func renewalStages(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let seller = try await store.addUser(name: "小王", role: .agent, extension: "1001", team: "sales").user
            let renewer = try await store.addUser(name: "续保专员", role: .agent, extension: "1005", team: "renewal").user
            let customer = try await store.createCustomer(NewCustomer(name: "李雷", ownerID: seller.id,
                phones: [("13800138000", try #require(store.normalizer.normalize("13800138000").phoneNumber))]))
            let calendar = WorkCalendar()
            let now = Date()
            func day(_ offset: Int) -> String { calendar.day(of: now.addingTimeInterval(Double(offset) * 86_400)) }
            let car = try await store.addPart(.vehicle, to: customer, ["model": .text("卡罗拉")], by: seller)
            let policy = try await store.addPart(.policy, to: customer, ["expiry_date": .text(day(85)), "vehicle_id": .number(car)], by: seller)
            let oldCar = try await store.addPart(.vehicle, to: customer, ["model": .text("威驰")], by: seller)
            _ = try await store.addPart(.policy, to: customer, ["expiry_date": .text(day(-10)), "vehicle_id": .number(oldCar)], by: seller)
            let month = calendar.day(of: now).dropFirst(5).prefix(2)
            _ = try await store.addPart(.contact, to: customer, ["name": .text("韩梅梅"), "birthday": .text("1990-\(month)-01")], by: seller)

            let scheduler = FollowUpScheduler(store: store, planner: FollowUpPlanner(calendar: calendar))
            let first = try await scheduler.runPass(now: now)
            #expect(first.reminders == [.renewal: 1, .winBack: 1, .birthday: 1], "\(first)")
            #expect(try await scheduler.runPass(now: now).reminders.isEmpty)
            func tasks() async throws -> [TaskItem] {
                try await store.tasks(TaskFilter(customerID: customer, limit: 50), visibleTo: seller)
            }
            let renewal = try #require(try await tasks().first { $0.kind == .renewal })
            #expect(renewal.ownerID == renewer.id && renewal.priority == 1 && renewal.status == .open)
            #expect(try await tasks().first { $0.kind == .birthday }?.ownerID == seller.id)
            #expect(try await tasks().first { $0.kind == .birthday }?.priority == 0)
            // The renewal agent reaches the customer while the call is hers to make, not after.
            try await store.requireCustomer(customer, visibleTo: renewer)

            let later = try await scheduler.runPass(now: now.addingTimeInterval(30 * 86_400))
            #expect(later.reminders == [.renewal: 1], "\(later)")
            let stages = try await tasks().filter { $0.kind == .renewal }
            #expect(stages.first { $0.id == renewal.id }?.status == .done, "the 60-day call replaces the 90-day one")
            let current = try #require(stages.first { $0.status == .open })
            #expect(current.priority == 2)

            // The customer renews: the open renewal call closes; the next pass plans none for the old policy.
            _ = try await store.addPart(.policy, to: customer, ["expiry_date": .text(day(450)), "vehicle_id": .number(car)], by: seller)
            #expect(try await tasks().filter { $0.kind == .renewal && $0.status == .open }.isEmpty)
            await #expect(throws: CRMError.self) { try await store.requireCustomer(customer, visibleTo: renewer) }
            #expect(try await scheduler.runPass(now: now.addingTimeInterval(60 * 86_400)).reminders[.renewal] == nil)
            _ = policy
        }
    }
}

/// Renewal stages on plain values.
@Suite("Renewal planner")
struct RenewalPlannerTests {
    @Test("the stage is the nearest one not yet passed, priority rising as expiry nears; a lapsed policy gets a win-back within its window only")
    func stages() {
        let planner = RenewalPlanner(calendar: WorkCalendar())
        let now = Date()
        func plan(_ days: Int) -> [CRMStore.PlannedCall] {
            let expiry = WorkCalendar().day(of: now.addingTimeInterval(Double(days) * 86_400))
            return planner.plan(policies: [RenewalPolicy(id: 9, customerId: 1, ownerId: 2, vehicleId: nil, expiryDate: expiry)], birthdays: [],
                                renewalAgents: [TeamMember(id: 5, role: .agent, teamId: 3, seniority: 0, load: 4), TeamMember(id: 6, role: .agent, teamId: 3, seniority: 0, load: 1)],
                                now: now)
        }
        #expect(plan(85).map(\.key) == ["renewal:9:90"] && plan(85).first?.priority == 1 && plan(85).first?.ownerID == 6)
        #expect(plan(30).map(\.key) == ["renewal:9:30"] && plan(30).first?.priority == 3)
        #expect(plan(3).map(\.key) == ["renewal:9:7"] && plan(3).first?.priority == 4)
        #expect(plan(120).isEmpty)
        #expect(plan(-10).map(\.key) == ["win_back:9"] && plan(-10).first?.ownerID == 2)
        #expect(plan(-40).isEmpty)
    }
}
