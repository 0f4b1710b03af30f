import TestSupport
import CRM
import Foundation
import SQLKit
import Testing

@Suite("Duplicates and merge")
struct MergeTests {
    @Test("customers sharing a number are reported as duplicates", arguments: TestEngine.available)
    func duplicatesReported(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let a = try await store.seedCustomer("张三", phones: ["13800138000"])
            let b = try await store.seedCustomer("张 三", phones: ["+8613800138000", "02188886666"])
            _ = try await store.seedCustomer("李四", phones: ["13900139000"])
            let groups = try await store.duplicates()
            #expect(groups.count == 1)
            #expect(groups.first?.e164 == "+8613800138000")
            #expect(groups.first?.customers.map(\.id) == [a, b])
        }
    }

    @Test("merge moves phones, leads, tasks, calls and interactions in one transaction and audits it", arguments: TestEngine.available)
    func mergeMovesEverything(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let keep = try await store.seedCustomer("张三", phones: ["13800138000"], grade: .a)
            let drop = try await store.seedCustomer("张三(重复)", phones: ["13800138000", "02188886666"], grade: .b)
            let owner = try #require(try await store.user(named: "王芳"))
            try await store.database.withConnection { sql in
                try await sql.insert(into: "tasks").columns("customer_id", "kind", "status", "owner_id", "due_at", "attempts", "created_at", "updated_at")
                    .values(SQLBind(drop), SQLBind("callback"), SQLBind("open"), SQLBind(owner.id), SQLBind(Date()), SQLBind(0), SQLBind(Date()), SQLBind(Date())).run()
                try await sql.insert(into: "calls").columns("pbx", "linkedid", "direction", "customer_id", "created_at")
                    .values(SQLBind("main"), SQLBind("1700000000.1"), SQLBind("inbound"), SQLBind(drop), SQLBind(Date())).run()
                try await sql.insert(into: "interactions").columns("customer_id", "kind", "occurred_at")
                    .values(SQLBind(drop), SQLBind("note"), SQLBind(Date())).run()
            }
            let report = try await store.merge(keep: keep, drop: drop, actor: owner.id)
            #expect(report.phonesMoved == 1)
            #expect(report.phonesAlreadyPresent == 1)
            #expect(report.leadsMoved == 1 && report.tasksMoved == 1 && report.callsMoved == 1 && report.interactionsMoved == 1)

            #expect(try await store.findCustomers("02188886666").map(\.id) == [keep])
            #expect(try await store.customers(onNumber: "+8613800138000").map(\.id) == [keep])
            #expect(try await store.duplicates().isEmpty)
            let trail = try await store.auditTrail(entity: "customer", id: keep)
            #expect(trail.map(\.action) == ["merged"])
            #expect(trail.first?.actorId == owner.id)
            #expect(try await store.auditTrail(entity: "customer", id: drop).map(\.action) == ["merged_away"])
        }
    }

    @Test("merging into itself, a missing id or an already merged customer is refused and changes nothing", arguments: TestEngine.available)
    func mergeRefusals(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let a = try await store.seedCustomer("甲", phones: ["13800138000"])
            let b = try await store.seedCustomer("乙", phones: ["13800138001"])
            await #expect(throws: CRMError.self) { try await store.merge(keep: a, drop: a, actor: nil) }
            await #expect(throws: CRMError.notFound(entity: "customer", id: "999")) { try await store.merge(keep: a, drop: 999, actor: nil) }
            _ = try await store.merge(keep: a, drop: b, actor: nil)
            await #expect(throws: CRMError.self) { try await store.merge(keep: a, drop: b, actor: nil) }
            #expect(try await store.auditTrail(entity: "customer", id: a).count == 1)
        }
    }

    @Test("reassigning the owner keeps the old owner in the audit log", arguments: TestEngine.available)
    func reassignAudited(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let id = try await store.seedCustomer("张三", phones: ["13800138000"], grade: .a)
            let senior = try await store.addUser(name: "老刘", role: .agent, seniority: 3).user
            let old = try #require(try await store.user(named: "王芳"))
            try await store.reassignOwner(customerID: id, to: senior.id, actor: nil, reason: "no progress in 3 months")
            #expect(try await store.summaries(ids: [id]).first?.ownerName == "老刘")
            let entry = try #require(try await store.auditTrail(entity: "customer", id: id).first)
            #expect(entry.action == "owner_changed")
            #expect(entry.details?.contains("\"from\":\"\(old.id)\"") == true)
            #expect(entry.details?.contains("\"to\":\"\(senior.id)\"") == true)
        }
    }
}
