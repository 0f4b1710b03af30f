import CRM
import Foundation
import Testing
import TestSupport
import Vocabulary

/// Leads through the API: opened, moved through stages, re-graded with a reason kept in the grade
/// history, and closed: won at once, lost (战败) only with a manager's approval.
@Suite("HTTP API: leads and approvals")
struct APILeadTests {
    @Test("a lead is opened, staged and re-graded; every change is progress, kept in the history and the audit log",
          arguments: TestEngine.available)
    func leadLifecycle(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let opened = try await api.send("/v1/customers/\(daemon.knownCustomer)/leads", token: daemon.alice.token, method: .POST,
                                            body: #"{"grade": "B", "reason": "二胎换车"}"#)
            #expect(opened.status == 201, "\(opened.body)")
            let lead = try opened.json()
            let id = try #require(lead["id"] as? Int)
            #expect(lead["stage"] as? String == "new" && lead["ownerId"] as? Int == daemon.alice.user.id)
            let before = try #require(try await daemon.store.lead(id, visibleTo: daemon.admin).lastProgressAt)

            let staged = try await api.send("/v1/leads/\(id)", token: daemon.alice.token, method: .PATCH, body: #"{"stage": "test_drive"}"#)
            #expect(try staged.status == 200 && (staged.json()["stage"] as? String) == "test_drive")
            #expect(try await api.send("/v1/leads/\(id)", token: daemon.alice.token, method: .PATCH, body: #"{"stage": "won"}"#).status == 400)
            let regraded = try await api.send("/v1/leads/\(id)/grade", token: daemon.alice.token, method: .POST,
                                              body: #"{"grade": "A", "reason": "试驾满意，月底提车"}"#)
            let history = try #require(try regraded.json()["history"] as? [[String: Any]])
            #expect(history.compactMap { $0["grade"] as? String } == ["B", "A"])
            #expect(history.last?["from"] as? String == "B" && history.last?["reason"] as? String == "试驾满意，月底提车")
            let after = try await daemon.store.lead(id, visibleTo: daemon.admin)
            #expect(after.lastProgressAt >= before && after.grade == .a && after.history.last?.changedBy == daemon.alice.user.id)

            #expect(try await api.send("/v1/leads/\(id)", token: daemon.bob.token).status == 404)
            #expect(try await api.send("/v1/leads/\(id)", token: daemon.supervisor.token).status == 200)
            let actions = try await daemon.store.auditTrail(entity: "lead", id: id).map(\.action)
            #expect(actions == ["create", "stage", "regrade"])

            let won = try await api.send("/v1/leads/\(id)/close", token: daemon.alice.token, method: .POST, body: #"{"outcome": "won", "reason": "已签约"}"#)
            #expect(try won.status == 200 && (won.json()["stage"] as? String) == "won")
            let closed = try await api.send("/v1/leads/\(id)/grade", token: daemon.alice.token, method: .POST, body: #"{"grade": "B", "reason": "x"}"#)
            #expect(closed.status == 409, "a closed lead is not re-graded")
        }
    }

    @Test("an agent's lost close waits for a manager: rejected, the lead stays open; approved, it closes as lost; each decision audited",
          arguments: TestEngine.available)
    func lostNeedsApproval(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let lead = try await daemon.store.createLead(customerID: daemon.knownCustomer, grade: .c, reason: nil, by: daemon.alice.user).id
            let asked = try await api.send("/v1/leads/\(lead)/close", token: daemon.alice.token, method: .POST,
                                           body: #"{"outcome": "lost", "reason": "已在别家购车"}"#)
            #expect(asked.status == 202, "\(asked.body)")
            let approval = try #require(try asked.json()["id"] as? Int)
            #expect(try await daemon.store.lead(lead, visibleTo: daemon.admin).closedAt == nil, "nothing closes before a manager decides")
            let again = try await api.send("/v1/leads/\(lead)/close", token: daemon.alice.token, method: .POST, body: #"{"outcome": "lost", "reason": "x"}"#)
            #expect(again.status == 409, "one request at a time")

            let pending = try await api.send("/v1/approvals?status=pending", token: daemon.supervisor.token).items()
            #expect(pending.compactMap { $0["id"] as? Int } == [approval])
            #expect(try await api.send("/v1/approvals", token: daemon.bob.token).items().isEmpty, "another agent sees none of hers")
            #expect(try await api.send("/v1/approvals/\(approval)/decision", token: daemon.alice.token, method: .POST,
                                       body: #"{"approve": true}"#).status == 403, "an agent cannot approve her own request")

            let rejected = try await api.send("/v1/approvals/\(approval)/decision", token: daemon.supervisor.token, method: .POST,
                                              body: #"{"approve": false, "note": "再约一次试驾"}"#)
            #expect(try rejected.status == 200 && (rejected.json()["status"] as? String) == "rejected")
            #expect(try await daemon.store.lead(lead, visibleTo: daemon.admin).closedAt == nil)
            #expect(try await api.send("/v1/approvals/\(approval)/decision", token: daemon.supervisor.token, method: .POST,
                                       body: #"{"approve": true}"#).status == 409, "a decided request stays decided")

            let second = try await api.send("/v1/leads/\(lead)/close", token: daemon.alice.token, method: .POST,
                                            body: #"{"outcome": "lost", "reason": "客户明确拒绝"}"#)
            let secondID = try #require(try second.json()["id"] as? Int)
            let approved = try await api.send("/v1/approvals/\(secondID)/decision", token: daemon.supervisor.token, method: .POST,
                                              body: #"{"approve": true}"#)
            #expect(approved.status == 200)
            let closed = try await daemon.store.lead(lead, visibleTo: daemon.admin)
            #expect(closed.stage == .lost && closed.closeReason == "客户明确拒绝" && closed.closedAt != nil)
            let decisions = try await daemon.store.auditTrail(entity: "approval", id: secondID)
            #expect(decisions.map(\.action) == ["request", "approve"] && decisions.last?.actorId == daemon.supervisor.user.id)

            // A supervisor's own lost close is final at once.
            let own = try await daemon.store.createLead(customerID: daemon.knownCustomer, grade: .b, reason: nil, by: daemon.supervisor.user).id
            let direct = try await api.send("/v1/leads/\(own)/close", token: daemon.supervisor.token, method: .POST,
                                            body: #"{"outcome": "lost", "reason": "预算取消"}"#)
            #expect(try direct.status == 200 && (direct.json()["stage"] as? String) == "lost")
        }
    }
}
