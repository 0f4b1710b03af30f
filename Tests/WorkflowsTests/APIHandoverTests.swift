import CRM
import Foundation
import Testing
import TestSupport
import Vocabulary

/// When a rep leaves, nothing stays with a person who is gone.
@Suite("HTTP API: a leaving rep's handover")
struct APIHandoverTests {
    @Test("disabling a rep who still holds customers needs a colleague; given one, customers, leads and open tasks move in one step, told and audited",
          arguments: TestEngine.available)
    func handover(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let alice = daemon.alice.user.id, bob = daemon.bob.user.id
            let task = try await daemon.store.addTask(customerID: daemon.knownCustomer, kind: .followUp, ownerID: alice,
                                                      dueAt: Date().addingTimeInterval(86_400), note: nil)
            let refused = try await api.send("/v1/users/\(alice)", token: daemon.adminToken, method: .PATCH, body: #"{"disabled": true}"#)
            #expect(try refused.status == 422 && (refused.json()["field"] as? String) == "handoverTo", "\(refused.status) \(refused.body)")
            #expect(!(try await daemon.store.isDisabled(userID: alice)), "nothing changed")
            let toHerself = try await api.send("/v1/users/\(alice)", token: daemon.adminToken, method: .PATCH,
                                               body: #"{"disabled": true, "handoverTo": \#(alice)}"#)
            #expect(toHerself.status == 422)

            let done = try await api.send("/v1/users/\(alice)", token: daemon.adminToken, method: .PATCH,
                                          body: #"{"disabled": true, "handoverTo": \#(bob)}"#)
            #expect(done.status == 200, "\(done.body)")
            #expect(try await daemon.store.isDisabled(userID: alice))
            let owner = try await daemon.store.database.withConnection { sql in
                try await sql.select().column("owner_id").from("customers").where("id", .equal, daemon.knownCustomer).first(decodingColumn: "owner_id", as: Int.self)
            }
            #expect(owner == bob)
            let moved = try await daemon.store.tasks(TaskFilter(customerID: daemon.knownCustomer, limit: 10), visibleTo: daemon.admin).first { $0.id == task }
            #expect(moved?.ownerID == bob)
            #expect(try await api.send("/v1/customers/\(daemon.knownCustomer)", token: daemon.bob.token).status == 200)
            let told = try await api.send("/v1/notifications", token: daemon.bob.token).items()
            #expect(told.first?["kind"] as? String == "reassigned" && told.first?["entity"] as? String == "user")
            let trail = try await daemon.store.auditTrail(entity: "user", id: alice).map(\.action)
            #expect(trail.contains("handover") && trail.contains("update"))
        }
    }
}
