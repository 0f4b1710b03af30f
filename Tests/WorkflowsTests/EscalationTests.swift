import CRM
import SQLKit
import Foundation
import Testing
import TestSupport
import Vocabulary
import Workflows

/// Escalation as a pass makes it, with the clock given: stale leads move up the team, expired ones
/// become C, overdue tasks are flagged then reassigned, late callbacks, complaints and undecided
/// requests reach the supervisor; each once, on both databases.
@Suite("Escalations")
struct EscalationTests {
    struct Team {
        let junior: User, senior: User, peer: User, manager: User
        let customer: Int
    }

    static func team(_ store: CRMStore) async throws -> Team {
        let junior = try await store.addUser(name: "小王", role: .agent, extension: "1001", team: "sales", seniority: 1).user
        let senior = try await store.addUser(name: "老张", role: .agent, extension: "1002", team: "sales", seniority: 3).user
        let peer = try await store.addUser(name: "小李", role: .agent, extension: "1003", team: "sales", seniority: 1).user
        let manager = try await store.addUser(name: "经理", role: .supervisor, team: "sales").user
        let customer = try await store.createCustomer(NewCustomer(name: "李雷", ownerID: junior.id,
            phones: [("13800138000", try #require(store.normalizer.normalize("13800138000").phoneNumber))], grade: .a))
        return Team(junior: junior, senior: senior, peer: peer, manager: manager, customer: customer)
    }

    /// The customer's lead, as its manager sees it.
    static func lead(_ store: CRMStore, _ team: Team) async throws -> LeadRecord {
        let id = try await store.database.withConnection { sql in
            try await sql.select().column("id").from("leads").where("customer_id", .equal, team.customer).first(decodingColumn: "id", as: Int.self)
        }
        return try await store.lead(try #require(id), visibleTo: team.manager)
    }

    static func scheduler(_ store: CRMStore) -> FollowUpScheduler {
        FollowUpScheduler(store: store, planner: FollowUpPlanner(calendar: WorkCalendar()))
    }

    @Test("an A lead without progress for 3 months goes to the next more senior rep, both told; after 6 months it becomes C; each once",
          arguments: TestEngine.available)
    func staleLead(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let team = try await Self.team(store)
            let scheduler = Self.scheduler(store)
            let later = Date().addingTimeInterval(91 * 86_400)
            let first = try await scheduler.runPass(now: later)
            #expect(first.escalated[.staleA] == 1, "\(first)")
            let lead = try await Self.lead(store, team)
            #expect(lead.ownerId == team.senior.id && lead.grade == .a)
            #expect(try await store.notifications(for: team.senior).map(\.kind) == [.reassigned])
            #expect(try await store.notifications(for: team.junior).map(\.kind) == [.escalated])
            #expect(try await store.notifications(for: team.manager).map(\.kind) == [.escalated])
            // Again, and two passes at once: nothing new.
            #expect(try await scheduler.runPass(now: later).escalated.isEmpty)
            async let one = scheduler.runPass(now: later.addingTimeInterval(60))
            async let two = scheduler.runPass(now: later.addingTimeInterval(60))
            let (a, b) = try await (one, two)
            #expect(a.escalated[.staleA] == nil && b.escalated[.staleA] == nil)
            #expect(try await store.notifications(for: team.senior).count == 1)

            let expired = try await scheduler.runPass(now: Date().addingTimeInterval(181 * 86_400))
            #expect(expired.escalated[.expiredA] == 1, "\(expired)")
            let downgraded = try await Self.lead(store, team)
            #expect(downgraded.grade == .c && downgraded.history.last?.reason?.contains("escalation") == true)
            #expect(try await store.auditTrail(entity: "lead", id: lead.id).filter { $0.action == "escalate" }.count == 2)
        }
    }

    @Test("a daemon down for half a year makes the missed lead escalation once, as of now: the lead becomes C, not moved twice",
          arguments: TestEngine.available)
    func catchUp(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let team = try await Self.team(store)
            let report = try await Self.scheduler(store).runPass(now: Date().addingTimeInterval(200 * 86_400))
            #expect(report.escalated[.expiredA] == 1 && report.escalated[.staleA] == nil, "\(report)")
            #expect(try await Self.lead(store, team).grade == .c)
        }
    }

    @Test("a task overdue a day is flagged to the supervisor; after three days it goes to the least loaded teammate, due now",
          arguments: TestEngine.available)
    func overdueTask(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let team = try await Self.team(store)
            let due = Date().addingTimeInterval(-3600)
            let task = try await store.addTask(customerID: team.customer, kind: .followUp, ownerID: team.junior.id, dueAt: due, note: "回访")
            let scheduler = Self.scheduler(store)
            // Escalations only: no lead is stale yet, and the planner sees the open follow-up.
            let flagged = try await scheduler.runPass(now: due.addingTimeInterval(25 * 3600))
            #expect(flagged.escalated == [.overdueTask: 1], "\(flagged)")
            #expect(try await store.notifications(for: team.manager).map(\.message).contains { $0.contains("逾期") })
            let moved = try await scheduler.runPass(now: due.addingTimeInterval(73 * 3600))
            #expect(moved.escalated == [.overdueTaskReassigned: 1], "\(moved)")
            let now = try #require(try await store.tasks(TaskFilter(customerID: team.customer, limit: 10), visibleTo: team.manager).first { $0.id == task })
            // The peer and the senior carry nothing; the lower id of the least loaded takes it.
            #expect(now.ownerID == team.senior.id && now.dueAt > due.addingTimeInterval(72 * 3600))
            #expect(try await store.notifications(for: team.senior).first?.kind == .reassigned)
        }
    }

    @Test("a callback not made within the hour, a complaint past its limit and a request undecided by the end of its day reach the supervisor",
          arguments: TestEngine.available)
    func supervisorFlags(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let team = try await Self.team(store)
            _ = try await store.addTask(customerID: team.customer, kind: .callback, ownerID: team.junior.id, dueAt: Date(), note: nil)
            _ = try await store.addTask(customerID: team.customer, kind: .complaint, ownerID: team.junior.id,
                                        dueAt: Date().addingTimeInterval(3600), note: "投诉：维修等待太久")
            let followUp = try await store.addTask(customerID: team.customer, kind: .followUp, ownerID: team.junior.id,
                                                   dueAt: Date().addingTimeInterval(3 * 86_400), note: nil)
            _ = try await store.cancelTask(followUp, reason: .numberUnreachable, note: nil, by: team.junior)
            let report = try await Self.scheduler(store).runPass(now: Date().addingTimeInterval(26 * 3600))
            #expect(report.escalated[.lateCallback] == 1 && report.escalated[.lateComplaint] == 1 && report.escalated[.undecidedRequest] == 1,
                    "\(report)")
            let told = try await store.notifications(for: team.manager)
            #expect(told.filter { $0.kind == .escalated }.count == 3 && told.contains { $0.kind == .approvalNeeded })
        }
    }
}

/// Who takes over, on plain values.
@Suite("Escalation policy")
struct EscalationPolicyTests {
    func candidate(_ rule: EscalationRule, owner: Int) -> EscalationCandidate {
        EscalationCandidate(rule: rule, entity: "lead", entityID: 1, customerID: 1, customerName: "李雷", ownerID: owner, teamID: 7, key: "k")
    }

    @Test("a stale lead goes to the least loaded rep at the next seniority up, else the manager; an overdue task to the least loaded teammate")
    func successors() {
        let policy = EscalationPolicy()
        let members = [
            TeamMember(id: 1, role: .agent, teamId: 7, seniority: 1, load: 0),
            TeamMember(id: 2, role: .agent, teamId: 7, seniority: 3, load: 9),
            TeamMember(id: 3, role: .agent, teamId: 7, seniority: 3, load: 4),
            TeamMember(id: 4, role: .agent, teamId: 7, seniority: 5, load: 0),
            TeamMember(id: 5, role: .supervisor, teamId: 7, seniority: 0, load: 0),
            TeamMember(id: 6, role: .agent, teamId: 8, seniority: 9, load: 0),
        ]
        #expect(policy.successor(for: candidate(.staleA, owner: 1), among: members) == 3)
        #expect(policy.successor(for: candidate(.staleB, owner: 4), among: members) == 5)
        #expect(policy.successor(for: candidate(.overdueTaskReassigned, owner: 1), among: members) == 4)
        #expect(policy.successor(for: candidate(.overdueTask, owner: 1), among: members) == nil)
        #expect(policy.successor(for: candidate(.staleA, owner: 1), among: members.filter { $0.teamId == 8 }) == nil)
    }
}
