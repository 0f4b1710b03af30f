import CRM
import Foundation
import Testing
import TestSupport

/// One-click dial: the agent's phone first, then the customer, the task on the call.
@Suite("One-click dial")
struct DialTests {
    @Test("an agent dials a task's customer: the PBX rings her phone, then the customer; the call in the log carries the task",
          arguments: TestEngine.available)
    func dialTask(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let task = try await daemon.store.addTask(customerID: daemon.knownCustomer, kind: .followUp, ownerID: daemon.alice.user.id,
                                                      dueAt: Date(), note: "回访")
            let other = try await api.send("/v1/dial", token: daemon.bob.token, method: .POST, body: #"{"customerId": \#(daemon.knownCustomer)}"#)
            #expect(other.status == 404, "another agent's customer cannot be dialled")
            let wrongTask = try await api.send("/v1/dial", token: daemon.alice.token, method: .POST,
                                               body: #"{"customerId": \#(daemon.knownCustomer), "taskId": 99999}"#)
            #expect(wrongTask.status == 404)
            let noPhone = try await api.send("/v1/dial", token: daemon.alice.token, method: .POST,
                                             body: #"{"customerId": \#(daemon.knownCustomer), "phoneIndex": 5}"#)
            #expect(noPhone.status == 400)
            let dialled = try await api.send("/v1/dial", token: daemon.alice.token, method: .POST,
                                             body: #"{"customerId": \#(daemon.knownCustomer), "taskId": \#(task)}"#)
            #expect(dialled.status == 202, "\(dialled.body)")
            try await daemon.waitUntil("the dialled call in the log with its task", timeout: .seconds(15)) {
                try await daemon.store.calls(CallFilter(limit: 20), visibleTo: daemon.admin).contains { $0.taskID == task }
            }
            let call = try #require(try await daemon.store.calls(CallFilter(limit: 20), visibleTo: daemon.admin).first { $0.taskID == task })
            #expect(call.direction == .outbound && call.callee == DaemonHarness.knownNumber, "\(call.direction) \(call.callee ?? "-")")
            let trail = try await daemon.store.auditTrail(entity: "customer", id: daemon.knownCustomer).filter { $0.action == "dial" }
            #expect(trail.count == 1 && trail.first?.actorId == daemon.alice.user.id)
            // The task keeps its calls: her supervisor sees every attempt behind it, once the log has linked the
            // call to her customer (the call's row can be written a moment before its links, as the call goes on).
            try await daemon.waitUntil("the supervisor sees the dialled call") {
                let seen = try await api.send("/v1/calls?task=\(task)", token: daemon.supervisor.token).items()
                return !seen.isEmpty
            }
            let attempts = try await api.send("/v1/calls?task=\(task)", token: daemon.supervisor.token).items()
            #expect(attempts.compactMap { $0["id"] as? Int } == [call.id] && attempts.first?["taskId"] as? Int == task)
            #expect(try await api.send("/v1/calls?task=\(task)", token: daemon.bob.token).items().isEmpty, "another agent sees none of them")
        }
    }
}
