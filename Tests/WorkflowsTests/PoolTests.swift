import CRM
import Foundation
import SQLKit
import Testing
import TestSupport
import Vocabulary
import Workflows

/// Customer pools (公海), with the clock given: imports without an owner fill them, agents claim
/// within a daily limit and a cooldown, claimed customers without progress return, C leads go to
/// the marketing pool, a leaving rep's customers can go to the team pool; every move in the history.
@Suite("Customer pools")
struct PoolTests {
    struct Center {
        let agent: User, peer: User, manager: User, outsider: User
        let sales: Int
    }

    static func center(_ store: CRMStore) async throws -> Center {
        let agent = try await store.addUser(name: "小王", role: .agent, extension: "1001", team: "sales").user
        let peer = try await store.addUser(name: "小李", role: .agent, extension: "1002", team: "sales").user
        let manager = try await store.addUser(name: "经理", role: .supervisor, team: "sales").user
        let outsider = try await store.addUser(name: "老赵", role: .agent, extension: "2001", team: "service").user
        return Center(agent: agent, peer: peer, manager: manager, outsider: outsider, sales: try #require(agent.teamID))
    }

    static func pooled(_ store: CRMStore, _ name: String, _ phone: String, team: Int?, grade: LeadGrade? = .b) async throws -> Int {
        try await store.createCustomer(NewCustomer(name: name, ownerID: nil, poolTeamID: team,
                                                   phones: [(phone, try #require(store.normalizer.normalize(phone).phoneNumber))], grade: grade))
    }

    static func owner(_ store: CRMStore, _ customer: Int) async throws -> Int? {
        try await store.database.withConnection { sql in
            try await sql.select().column("owner_id").from("customers").where("id", .equal, customer).first(decodingColumn: "owner_id", as: Int?.self) ?? nil
        }
    }

    @Test("an import without an owner puts its customers into the named team's pool, listed for that team and not for others; once",
          arguments: TestEngine.available)
    func importFillsPool(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let center = try await Self.center(store)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pool-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("leads.csv").path
            try Data("姓名,电话,等级,负责人\n张三,13800138000,A,\n李四,13900139000,B,小王\n王五,13700137000,,\n".utf8).write(to: URL(fileURLWithPath: path))
            let importer = CustomerImporter(store: store, poolTeamID: center.sales)
            let report = try await importer.run(path: path)
            #expect(report.created == 3 && report.pooled == 2 && report.rejected == 0, "\(report)")

            let seen = try await store.pool(nil, visibleTo: center.agent)
            #expect(Set(seen.map(\.customer.name)) == ["张三", "王五"])
            #expect(seen.allSatisfy { $0.pool == .team && $0.teamID == center.sales && $0.customer.ownerID == nil })
            #expect(try await store.pool(nil, visibleTo: center.manager).count == 2)
            #expect(try await store.pool(nil, visibleTo: center.outsider).isEmpty)
            let zhang = try #require(seen.first { $0.customer.name == "张三" })
            #expect(try await store.ownerHistory(of: zhang.customer.id, visibleTo: center.manager).map(\.kind) == [.imported])
            // An agent reaches a pooled customer only by claiming it; the team's supervisor sees it.
            await #expect(throws: CRMError.self) { try await store.requireCustomer(zhang.customer.id, visibleTo: center.agent) }
            try await store.requireCustomer(zhang.customer.id, visibleTo: center.manager)
            // A pooled customer calling in is still found (the screen-pop and the lookup), without an owner.
            let looked = try await store.lookup(phone: "13800138000", visibleTo: center.manager)
            #expect(looked.customers.map(\.id) == [zhang.customer.id] && looked.customers.first?.ownerID == nil)
            let card = try #require(try await store.customerCards(ids: [zhang.customer.id]).first)
            #expect(card.ownerID == nil && card.ownerName == nil && card.grade == .a)
            // The pool's leads get no personal follow-up.
            let pass = try await FollowUpScheduler(store: store, planner: FollowUpPlanner(calendar: WorkCalendar())).runPass()
            #expect(pass.leads == 1, "only 李四's lead is owned: \(pass)")

            let again = try await importer.run(path: path)
            #expect(again.created == 0 && again.pooled == 0)
            #expect(try await store.pool(nil, visibleTo: center.manager).count == 2)
        }
    }

    @Test("claims: within the daily limit, one winner when two claim at once, not from another team's pool, not back within the cooldown after a release",
          arguments: TestEngine.available)
    func claiming(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let center = try await Self.center(store)
            let rules = PoolRules(claimsPerDay: 2, reclaimAfterDays: 30, recycleAfterDays: 30)
            let ids = [try await Self.pooled(store, "甲", "13800000001", team: center.sales),
                       try await Self.pooled(store, "乙", "13800000002", team: center.sales),
                       try await Self.pooled(store, "丙", "13800000003", team: center.sales)]
            let service = try #require(center.outsider.teamID)
            let theirs = try await Self.pooled(store, "丁", "13800000004", team: service)
            let now = Date()

            try await store.claimCustomer(ids[0], by: center.agent, rules: rules, now: now)
            try await store.claimCustomer(ids[1], by: center.agent, rules: rules, now: now)
            #expect(try await Self.owner(store, ids[0]) == center.agent.id)
            let lead = try #require(try await store.customerDetails(ids[0]).leads.first)
            #expect(lead.ownerId == center.agent.id)
            try await store.requireCustomer(ids[0], visibleTo: center.agent)
            let limited = await #expect(throws: CRMError.self) { try await store.claimCustomer(ids[2], by: center.agent, rules: rules, now: now) }
            #expect("\(String(describing: limited))".contains("daily limit is 2"))
            try await store.claimCustomer(ids[2], by: center.agent, rules: rules, now: now.addingTimeInterval(86_400))
            let elsewhere = await #expect(throws: CRMError.self) { try await store.claimCustomer(theirs, by: center.agent, rules: rules, now: now) }
            if case .notFound(let entity, _)? = elsewhere { #expect(entity == "customer") } else { Issue.record("expected not found, got \(String(describing: elsewhere))") }

            // Two claim one customer at once: one wins, the other finds it gone.
            let contested = try await Self.pooled(store, "戊", "13800000005", team: center.sales)
            async let first: Bool = (try? await store.claimCustomer(contested, by: center.peer, rules: rules, now: now)) != nil
            async let second: Bool = (try? await store.claimCustomer(contested, by: center.manager, rules: rules, now: now)) != nil
            let (a, b) = await (first, second)
            #expect(a != b, "exactly one claim wins")
            #expect(try await Self.owner(store, contested) == (a ? center.peer.id : center.manager.id))

            // Released, it waits in the pool; its previous owner may not claim it back for 30 days, a colleague may.
            try await store.releaseCustomer(ids[0], reason: "客户要求换人", by: center.agent, now: now)
            #expect(try await Self.owner(store, ids[0]) == nil)
            let back = await #expect(throws: CRMError.self) {
                try await store.claimCustomer(ids[0], by: center.agent, rules: rules, now: now.addingTimeInterval(2 * 86_400))
            }
            #expect("\(String(describing: back))".contains("may claim it back from"))
            try await store.claimCustomer(ids[0], by: center.peer, rules: rules, now: now.addingTimeInterval(2 * 86_400))
            #expect(try await store.ownerHistory(of: ids[0], visibleTo: center.manager).map(\.kind) == [.imported, .claimed, .released, .claimed])
            #expect(try await store.auditTrail(entity: "customer", id: ids[0]).map(\.action).filter { ["claim", "pooled"].contains($0) }
                    == ["claim", "pooled", "claim"])
            // After the cooldown the first owner may claim it again (once the colleague lets it go).
            try await store.releaseCustomer(ids[0], reason: "无法联系", by: center.manager, now: now.addingTimeInterval(3 * 86_400))
            try await store.claimCustomer(ids[0], by: center.agent, rules: rules, now: now.addingTimeInterval(31 * 86_400))
            #expect(try await Self.owner(store, ids[0]) == center.agent.id)
        }
    }

    @Test("a claimed customer without progress for 30 days goes back to the pool, its owner told; progress keeps it; once per claim",
          arguments: TestEngine.available)
    func recycling(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let center = try await Self.center(store)
            let rules = PoolRules(recycleAfterDays: 30)
            let now = Date()
            let idle = try await Self.pooled(store, "闲置", "13800000011", team: center.sales)
            let busy = try await Self.pooled(store, "跟进中", "13800000012", team: center.sales)
            for customer in [idle, busy] {
                try await store.claimCustomer(customer, by: center.agent, rules: rules, now: now.addingTimeInterval(-40 * 86_400))
            }
            try await store.database.withConnection { sql in
                try await sql.update("leads").set("last_progress_at", to: now.addingTimeInterval(-40 * 86_400)).where("customer_id", .equal, idle).run()
                try await sql.update("leads").set("last_progress_at", to: now.addingTimeInterval(-5 * 86_400)).where("customer_id", .equal, busy).run()
            }
            let task = try await store.addTask(customerID: idle, kind: .followUp, ownerID: center.agent.id, dueAt: now, note: "回访")
            let scheduler = FollowUpScheduler(store: store, planner: FollowUpPlanner(calendar: WorkCalendar()), pools: rules)
            let report = try await scheduler.runPass(now: now)
            #expect(report.recycled == 1, "\(report)")
            #expect(try await Self.owner(store, idle) == nil)
            #expect(try await Self.owner(store, busy) == center.agent.id)
            #expect(try await store.pool(.team, visibleTo: center.peer).map(\.customer.id) == [idle])
            #expect(try await store.pool(.team, visibleTo: center.peer).first?.lastOwnerID == center.agent.id)
            #expect(try await store.notifications(for: center.agent).contains { $0.customerId == idle && $0.message.contains("公海") })
            // Its follow-up ended with the move: the cadence was the agent's.
            let ended = try await store.tasks(TaskFilter(customerID: idle, limit: 10), visibleTo: center.manager).first { $0.id == task }
            #expect(ended?.status == .cancelled)
            #expect(try await scheduler.runPass(now: now.addingTimeInterval(60)).recycled == 0)
            #expect(try await store.ownerHistory(of: idle, visibleTo: center.manager).map(\.kind).suffix(2) == [.claimed, .recycled])
        }
    }

    @Test("a lead graded C takes its customer to the marketing pool of the owner's team; the owner no longer reaches it, the supervisor does",
          arguments: TestEngine.available)
    func coldLeadToMarketing(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let center = try await Self.center(store)
            let customer = try await store.createCustomer(NewCustomer(name: "观望", ownerID: center.agent.id,
                phones: [("13800000021", try #require(store.normalizer.normalize("13800000021").phoneNumber))], grade: .b))
            let lead = try #require(try await store.customerDetails(customer).leads.first)
            _ = try await store.regradeLead(lead.id, to: .c, reason: "只是看看", by: center.agent)
            #expect(try await Self.owner(store, customer) == nil)
            let entry = try #require(try await store.pool(.marketing, visibleTo: center.manager).first)
            #expect(entry.customer.id == customer && entry.teamID == center.sales && entry.lastOwnerID == center.agent.id)
            #expect(try await store.pool(.team, visibleTo: center.manager).isEmpty)
            await #expect(throws: CRMError.self) { try await store.requireCustomer(customer, visibleTo: center.agent) }
            let history = try await store.ownerHistory(of: customer, visibleTo: center.manager)
            #expect(history.last?.kind == .marketing && history.last?.reason?.contains("只是看看") == true)
        }
    }

    @Test("a leaving rep's customers, leads and open tasks go to the team pool in one step when no colleague is named",
          arguments: TestEngine.available)
    func handoverToPool(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let center = try await Self.center(store)
            let admin = try await store.addUser(name: "管理员", role: .admin).user
            let customer = try await store.createCustomer(NewCustomer(name: "交接", ownerID: center.agent.id,
                phones: [("13800000031", try #require(store.normalizer.normalize("13800000031").phoneNumber))], grade: .a))
            let task = try await store.addTask(customerID: customer, kind: .complaint, ownerID: center.agent.id, dueAt: Date(), note: "投诉")
            _ = try await store.changeUser(center.agent.id, UserChange(disabled: true, handoverToPool: true), by: admin)
            #expect(try await Self.owner(store, customer) == nil)
            #expect(try await store.pool(.team, visibleTo: center.peer).map(\.customer.id) == [customer])
            let moved = try #require(try await store.tasks(TaskFilter(customerID: customer, limit: 10), visibleTo: admin).first { $0.id == task })
            #expect(moved.ownerID == nil && moved.status == .open)
            #expect(try await store.ownerHistory(of: customer, visibleTo: admin).map(\.kind) == [.handover])
            // The claimant takes the open task with the customer.
            try await store.claimCustomer(customer, by: center.peer, rules: PoolRules())
            #expect(try await store.tasks(TaskFilter(customerID: customer, limit: 10), visibleTo: admin).first { $0.id == task }?.ownerID == center.peer.id)
        }
    }
}
