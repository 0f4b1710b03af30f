import CRM
import Foundation
import Testing
import TestSupport
import Vocabulary

/// A call task closes only by a logged call; an agent's cancel is a request a manager decides, and
/// both hear of it: live on their page and in their notifications.
@Suite("HTTP API: cancelling call tasks and notifications")
struct APITaskCancelTests {
    @Test("ticking a call task done is refused; an agent's cancel waits for a manager, who is told live; rejected, the agent is told and the task stays due today",
          arguments: TestEngine.available)
    func cancelRequest(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let task = try await daemon.store.addTask(customerID: daemon.knownCustomer, kind: .followUp, ownerID: daemon.alice.user.id,
                                                      dueAt: Date().addingTimeInterval(3 * 86_400), note: "回访")
            let ticked = try await api.send("/v1/tasks/\(task)/complete", token: daemon.alice.token, method: .POST, body: #"{"result": "打过了"}"#)
            #expect(try ticked.status == 409 && (ticked.json()["message"] as? String ?? "").contains("logged"))

            let badReason = try await api.send("/v1/tasks/\(task)/cancel", token: daemon.alice.token, method: .POST, body: #"{"reason": "lazy"}"#)
            #expect(badReason.status == 400)
            #expect(try await api.send("/v1/tasks/\(task)/cancel", token: daemon.alice.token, method: .POST,
                                       body: #"{"reason": "duplicate", "extra": 1}"#).status == 400)
            #expect(try await api.send("/v1/tasks/\(task)/cancel", token: daemon.bob.token, method: .POST, body: #"{"reason": "duplicate"}"#).status == 404)

            let body = try await daemon.withPops(token: daemon.supervisor.token, path: "/v1/live") { live in
                let asked = try await api.send("/v1/tasks/\(task)/cancel", token: daemon.alice.token, method: .POST,
                                               body: #"{"reason": "number_unreachable", "note": "空号"}"#)
                #expect(asked.status == 202, "\(asked.body)")
                let notice = try await live.first("the manager told") { $0["event"] as? String == "notification" }
                #expect(notice["kind"] as? String == "approval_needed" && (notice["message"] as? String ?? "").contains(daemon.alice.user.name))
                return asked.body
            }
            let request = try APIClient.Answer(status: 202, headers: [:], body: body).json()
            #expect(request["kind"] as? String == "task_cancel" && request["status"] as? String == "pending")
            #expect(try await api.send("/v1/tasks/\(task)/cancel", token: daemon.alice.token, method: .POST,
                                       body: #"{"reason": "duplicate"}"#).status == 409, "one request at a time")
            let open = try await api.send("/v1/tasks?due=all", token: daemon.alice.token).items()
            #expect(open.contains { $0["id"] as? Int == task }, "the task stays until a manager decides")

            // The manager's notifications: listed, read, and nobody else's to read.
            let listed = try await api.send("/v1/notifications?unread=true", token: daemon.supervisor.token).items()
            let notification = try #require(listed.first { $0["kind"] as? String == "approval_needed" }?["id"] as? Int)
            #expect(try await api.send("/v1/notifications/\(notification)/read", token: daemon.bob.token, method: .POST, body: "").status == 404)
            #expect(try await api.send("/v1/notifications/\(notification)/read", token: daemon.supervisor.token, method: .POST, body: "").status == 204)
            #expect(try await api.send("/v1/notifications?unread=true", token: daemon.supervisor.token).items().isEmpty)

            let approval = try #require(request["id"] as? Int)
            #expect(try await api.send("/v1/approvals/\(approval)/decision", token: daemon.supervisor.token, method: .POST,
                                       body: #"{"approve": false, "note": "再打一次"}"#).status == 200)
            let told = try await api.send("/v1/notifications", token: daemon.alice.token).items()
            #expect(told.first?["kind"] as? String == "approval_decided" && (told.first?["message"] as? String ?? "").contains("再打一次"))
            let due = try #require(try await daemon.store.tasks(TaskFilter(customerID: daemon.knownCustomer, limit: 10), visibleTo: daemon.admin)
                .first { $0.id == task })
            #expect(due.status == .open && due.dueAt <= Date())
        }
    }

    @Test("a supervisor's cancel is final, keeps its reason and is audited; an approved request cancels too", arguments: TestEngine.available)
    func managerCancels(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let first = try await daemon.store.addTask(customerID: daemon.knownCustomer, kind: .callback, ownerID: daemon.alice.user.id,
                                                       dueAt: Date(), note: nil)
            #expect(try await api.send("/v1/tasks/\(first)/cancel", token: daemon.supervisor.token, method: .POST,
                                       body: #"{"reason": "do_not_call", "note": "客户要求"}"#).status == 204)
            let second = try await daemon.store.addTask(customerID: daemon.knownCustomer, kind: .followUp, ownerID: daemon.alice.user.id,
                                                        dueAt: Date(), note: nil)
            let asked = try await api.send("/v1/tasks/\(second)/cancel", token: daemon.alice.token, method: .POST, body: #"{"reason": "duplicate"}"#)
            let approval = try #require(try asked.json()["id"] as? Int)
            #expect(try await api.send("/v1/approvals/\(approval)/decision", token: daemon.supervisor.token, method: .POST,
                                       body: #"{"approve": true}"#).status == 200)
            let tasks = try await daemon.store.tasks(TaskFilter(customerID: daemon.knownCustomer, limit: 10), visibleTo: daemon.admin)
            #expect(tasks.filter { [first, second].contains($0.id) }.allSatisfy { $0.status == .cancelled })
            let trail = try await daemon.store.auditTrail(entity: "task", id: first)
            #expect(trail.map(\.action) == ["cancel"] && trail.first?.actorId == daemon.supervisor.user.id
                    && trail.first?.details?.contains("do_not_call: 客户要求") == true)
        }
    }
}
