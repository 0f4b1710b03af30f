import CRM
import Foundation
import SQLKit
import TestSupport
import Testing
import Vocabulary

@Suite("Call log store")
struct CallLogStoreTests {
    private func entry(_ linkedID: String, status: CallStatus = .live, customers: [Int] = [], agent: Int? = nil) -> CallEntry {
        var entry = CallEntry(pbx: "main", linkedID: linkedID, direction: .inbound, status: status)
        entry.caller = "13800138000"
        entry.queue = "hotline"
        entry.ringAt = Date(timeIntervalSince1970: 1_800_000_000)
        entry.customerIDs = customers
        entry.agentID = agent
        if status == .ended {
            entry.endAt = Date(timeIntervalSince1970: 1_800_000_060)
            entry.result = .answered
            entry.endedBy = .hangup
        }
        return entry
    }

    private func rowCount(_ store: CRMStore) async throws -> Int {
        try await store.database.withConnection { sql in
            try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("calls").first(decodingColumn: "n", as: Int.self) ?? -1
        }
    }

    @Test("writing the same call again, live or ended, keeps one row and ends it once", arguments: TestEngine.available)
    func idempotentUpsert(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let first = try await store.recordCall(entry("1.1"))
            #expect(!first.endedNow)
            let again = try await store.recordCall(entry("1.1"))
            #expect(again.id == first.id)
            let ended = try await store.recordCall(entry("1.1", status: .ended))
            #expect(ended.endedNow && ended.id == first.id)
            let replay = try await store.recordCall(entry("1.1", status: .ended))
            #expect(!replay.endedNow)
            let stale = try await store.recordCall(entry("1.1"))
            #expect(!stale.endedNow)
            #expect(try await rowCount(store) == 1)
            let supervisor = try await store.addUser(name: "主管", role: .admin).user
            let call = try await store.call(id: first.id, visibleTo: supervisor)
            #expect(call.status == .ended && call.result == .answered && call.endedBy == .hangup && call.caller == "13800138000")
        }
    }

    @Test("a later partial write keeps the fields it does not know", arguments: TestEngine.available)
    func partialWriteKeepsFields(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            var full = entry("2.1")
            full.externalName = "王伟"
            full.recording = "/rec/main-2.1.wav"
            let id = try await store.recordCall(full).id
            var partial = CallEntry(pbx: "main", linkedID: "2.1", direction: .inbound, status: .ended)
            partial.endAt = Date(timeIntervalSince1970: 1_800_000_100)
            partial.result = .abandoned
            partial.endedBy = .hangup
            _ = try await store.recordCall(partial)
            let admin = try await store.addUser(name: "admin", role: .admin).user
            let call = try await store.call(id: id, visibleTo: admin)
            #expect(call.externalName == "王伟" && call.recording == "/rec/main-2.1.wav" && call.queue == "hotline")
            #expect(call.result == .abandoned)
        }
    }

    @Test("a seen hangup replaces a blind resync end, never the other way round", arguments: TestEngine.available)
    func hangupBeatsResync(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            var blind = entry("3.1", status: .ended)
            blind.endedBy = .resync
            blind.result = .noAnswer
            let id = try await store.recordCall(blind).id
            let seen = try await store.recordCall(entry("3.1", status: .ended))
            #expect(!seen.endedNow)
            var resyncAgain = entry("3.1", status: .ended)
            resyncAgain.endedBy = .resync
            resyncAgain.result = .failed
            _ = try await store.recordCall(resyncAgain)
            let admin = try await store.addUser(name: "admin", role: .admin).user
            let call = try await store.call(id: id, visibleTo: admin)
            #expect(call.endedBy == .hangup && call.result == .answered)
        }
    }

    @Test("two daemons writing the same call at once leave one row", arguments: TestEngine.available)
    func concurrentWriters(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let ids = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<8 {
                    group.addTask { try await store.recordCall(entry("4.1", status: index % 2 == 0 ? .live : .ended)).id }
                }
                return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
            }
            #expect(ids.count == 1)
            #expect(try await rowCount(store) == 1)
        }
    }

    @Test("agents see calls they took or of customers they own; another's call is not found, like a missing one", arguments: TestEngine.available)
    func visibility(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let alice = try await store.addUser(name: "王芳", role: .agent, extension: "1001").user
            let bob = try await store.addUser(name: "赵强", role: .agent, extension: "1002").user
            let supervisor = try await store.addUser(name: "主管", role: .admin).user
            let aliceCustomer = try await store.seedCustomer("李雷", phones: ["13800138000"], owner: "王芳")
            let ownedByAlice = try await store.recordCall(entry("5.1", customers: [aliceCustomer])).id
            let takenByBob = try await store.recordCall(entry("5.2", agent: bob.id)).id
            let nobodys = try await store.recordCall(entry("5.3")).id
            #expect(try await store.calls(CallFilter(), visibleTo: alice).map(\.id) == [ownedByAlice])
            #expect(try await store.calls(CallFilter(), visibleTo: bob).map(\.id) == [takenByBob])
            #expect(try await store.calls(CallFilter(), visibleTo: supervisor).map(\.id) == [nobodys, takenByBob, ownedByAlice])
            await #expect(throws: CRMError.notFound(entity: "call", id: "\(takenByBob)")) {
                try await store.call(id: takenByBob, visibleTo: alice)
            }
            await #expect(throws: CRMError.notFound(entity: "call", id: "999")) { try await store.call(id: 999, visibleTo: supervisor) }
            #expect(try await store.calls(CallFilter(customerID: aliceCustomer), visibleTo: supervisor).map(\.id) == [ownedByAlice])
            #expect(try await store.calls(CallFilter(agentID: bob.id), visibleTo: supervisor).map(\.id) == [takenByBob])
        }
    }

    @Test("the filters narrow by date range, direction and result", arguments: TestEngine.available)
    func filters(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let supervisor = try await store.addUser(name: "主管", role: .admin).user
            var early = entry("6.1", status: .ended)
            early.ringAt = Date(timeIntervalSince1970: 1_700_000_000)
            let earlyID = try await store.recordCall(early).id
            var outbound = entry("6.2", status: .ended)
            outbound.direction = .outbound
            outbound.result = .busy
            let outboundID = try await store.recordCall(outbound).id
            let all = CallFilter()
            #expect(try await store.calls(all, visibleTo: supervisor).count == 2)
            #expect(try await store.calls(CallFilter(from: Date(timeIntervalSince1970: 1_750_000_000)), visibleTo: supervisor).map(\.id) == [outboundID])
            #expect(try await store.calls(CallFilter(to: Date(timeIntervalSince1970: 1_750_000_000)), visibleTo: supervisor).map(\.id) == [earlyID])
            #expect(try await store.calls(CallFilter(direction: .outbound), visibleTo: supervisor).map(\.id) == [outboundID])
            #expect(try await store.calls(CallFilter(result: .answered), visibleTo: supervisor).map(\.id) == [earlyID])
            #expect(try await store.calls(CallFilter(limit: 1), visibleTo: supervisor).map(\.id) == [outboundID])
        }
    }

    @Test("a missed call gets one callback task, for the owner or for the queue's team", arguments: TestEngine.available)
    func callbackOnce(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let customer = try await store.seedCustomer("李雷", phones: ["13800138000"], owner: "王芳")
            let owner = try #require(try await store.user(named: "王芳"))
            let known = try await store.recordCall(entry("7.1", customers: [customer])).id
            let unknown = try await store.recordCall(entry("7.2")).id
            let due = Date(timeIntervalSince1970: 1_800_001_000)
            #expect(try await store.createCallbackTask(callID: known, customerID: customer, ownerID: owner.id, teamName: nil,
                                                       phone: "+8613800138000", dueAt: due, note: "missed") != nil)
            #expect(try await store.createCallbackTask(callID: known, customerID: customer, ownerID: owner.id, teamName: nil,
                                                       phone: "+8613800138000", dueAt: due, note: "missed") == nil)
            #expect(try await store.createCallbackTask(callID: unknown, customerID: nil, ownerID: nil, teamName: "hotline",
                                                       phone: "+8613900139000", dueAt: due, note: "missed") != nil)
            let tasks = try await store.openTasks(kind: TaskKind.callback)
            #expect(tasks.count == 2)
            #expect(tasks[0].ownerId == owner.id && tasks[0].customerId == customer && tasks[0].teamId == nil)
            #expect(tasks[1].ownerId == nil && tasks[1].customerId == nil && tasks[1].teamId != nil && tasks[1].phoneE164 == "+8613900139000")
            let card = try #require(try await store.customerCards(ids: [customer]).first)
            #expect(card.openTasks.map(\.kind) == [TaskKind.callback])
        }
    }

    @Test("an agent logs a call's outcome with a re-grade; the call links to it", arguments: TestEngine.available)
    func logOutcome(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let customer = try await store.seedCustomer("李雷", phones: ["13800138000"], owner: "王芳", grade: .c)
            let alice = try #require(try await store.user(named: "王芳"))
            let bob = try await store.addUser(name: "赵强", role: .agent).user
            let callID = try await store.recordCall(entry("8.1", status: .ended, customers: [customer])).id
            let interaction = try await store.logCallOutcome(callID: callID, author: alice, outcome: "interested", note: "wants a quote", grade: .a)
            let call = try await store.call(id: callID, visibleTo: alice)
            #expect(call.interactionIDs == [interaction])
            let card = try #require(try await store.customerCards(ids: [customer]).first)
            #expect(card.grade == .a)
            #expect(card.lastInteractions.first?.outcome == "interested" && card.lastInteractions.first?.note == "wants a quote")
            await #expect(throws: CRMError.notFound(entity: "call", id: "\(callID)")) {
                try await store.logCallOutcome(callID: callID, author: bob, outcome: "x", note: nil)
            }
            await #expect(throws: CRMError.self) { try await store.logCallOutcome(callID: callID, author: alice, outcome: "  ", note: nil) }
            let history = try await store.database.withConnection { sql in
                try await sql.select().column("grade").from("lead_grade_history").orderBy("id").all(decodingColumn: "grade", as: String.self)
            }
            #expect(history == ["C", "A"])
        }
    }

    @Test("a screen-pop card carries vehicles, policies, the last five contacts and open complaints", arguments: TestEngine.available)
    func cards(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let owner = try await store.addUser(name: "王芳", role: .agent).user
            let number = store.normalizer.normalize("13800138000").phoneNumber!
            let id = try await store.createCustomer(NewCustomer(
                name: "李雷", ownerID: owner.id, phones: [("13800138000", number)], grade: .b,
                vehicles: [NewVehicle(vin: "LSVAB4BR1EN000001", model: "Passat", plate: "沪A12345", policyExpiry: "2027-01-15")]))
            let callID = try await store.recordCall(entry("9.1", status: .ended, customers: [id])).id
            for index in 0..<7 {
                _ = try await store.logCallOutcome(callID: callID, author: owner, outcome: "contact \(index)", note: nil)
            }
            try await store.database.withConnection { sql in
                try await sql.insert(into: "tasks").columns("customer_id", "kind", "status", "owner_id", "due_at", "created_at", "updated_at")
                    .values(SQLBind(id), SQLBind(TaskKind.complaint), SQLBind("open"), SQLBind(owner.id), SQLBind(Date()), SQLBind(Date()), SQLBind(Date()))
                    .run()
            }
            let card = try #require(try await store.customerCards(ids: [id]).first)
            #expect(card.name == "李雷" && card.grade == .b && card.ownerName == "王芳")
            #expect(card.vehicles.map(\.plate) == ["沪A12345"])
            #expect(card.policies.map(\.expiryDate) == ["2027-01-15"])
            #expect(card.lastInteractions.map(\.outcome) == ["contact 6", "contact 5", "contact 4", "contact 3", "contact 2"])
            #expect(card.openComplaints.count == 1 && card.openTasks.isEmpty)
        }
    }
}
