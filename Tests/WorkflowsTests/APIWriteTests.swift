import CRM
import Foundation
import Testing
import TestSupport

/// Writing the CRM through the API: each write checked, confined to what the writer may change,
/// and in the audit log with who, when, before and after.
@Suite("HTTP API: writes and the audit log")
struct APIWriteTests {
    @Test("an agent creates and edits their own customer, adds and removes phones; every write is audited", arguments: TestEngine.available)
    func customerLifecycle(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let created = try await api.send("/v1/customers", token: daemon.alice.token, method: .POST,
                                             body: #"{"name": "周杰", "phones": ["139-0013-9000"], "grade": "B", "source": "展厅"}"#)
            #expect(created.status == 201, "\(created.body)")
            let customer = try created.json()
            let id = try #require(customer["id"] as? Int)
            #expect(customer["ownerId"] as? Int == daemon.alice.user.id && customer["grade"] as? String == "B")
            #expect((customer["phones"] as? [[String: Any]])?.first?["number"] as? String == "+86139****9000")

            let others = try await api.send("/v1/customers", token: daemon.alice.token, method: .POST,
                                            body: #"{"name": "x", "phones": ["13900139001"], "ownerId": \#(daemon.bob.user.id)}"#)
            let othersField = try others.json()["field"] as? String
            #expect(others.status == 422 && othersField == "ownerId")
            let badPhone = try await api.send("/v1/customers", token: daemon.alice.token, method: .POST, body: #"{"name": "x", "phones": ["12ab"]}"#)
            let badPhoneField = try badPhone.json()["field"] as? String
            #expect(badPhone.status == 400 && badPhoneField == "phones")

            let renamed = try await api.send("/v1/customers/\(id)", token: daemon.alice.token, method: .PATCH, body: #"{"name": "周 杰伦"}"#)
            let renamedField = try renamed.json()["name"] as? String
            #expect(renamed.status == 200 && renamedField == "周 杰伦")
            let phone = try await api.send("/v1/customers/\(id)/phones", token: daemon.alice.token, method: .POST, body: #"{"number": "021 6666 8888"}"#)
            #expect(phone.status == 201, "\(phone.body)")
            let again = try await api.send("/v1/customers/\(id)/phones", token: daemon.alice.token, method: .POST, body: #"{"number": "02166668888"}"#)
            #expect(again.status == 409)
            let notANumber = try await api.send("/v1/customers/\(id)/phones", token: daemon.alice.token, method: .POST, body: #"{"number": "hello"}"#)
            let notANumberField = try notANumber.json()["field"] as? String
            #expect(notANumber.status == 422 && notANumberField == "number")
            let phoneID = try #require(try phone.json()["id"] as? Int)
            #expect(try await api.send("/v1/customers/\(id)/phones/\(phoneID)", token: daemon.alice.token, method: .DELETE).status == 204)
            let firstPhone = try #require(try await daemon.store.database.withConnection { sql in
                try await sql.select().column("id").from("phones").where("customer_id", .equal, id).first(decodingColumn: "id", as: Int.self)
            })
            #expect(try await api.send("/v1/customers/\(id)/phones/\(firstPhone)", token: daemon.alice.token, method: .DELETE).status == 409)

            let audit = try await api.send("/v1/audit?entity=customer&entityId=\(id)", token: daemon.supervisor.token)
            #expect(audit.status == 200, "\(audit.body)")
            let actions = try audit.items().compactMap { $0["action"] as? String }
            #expect(actions == ["remove_phone", "add_phone", "update", "create"])
            let update = try #require(try audit.items().first { $0["action"] as? String == "update" })
            #expect(update["actorId"] as? Int == daemon.alice.user.id)
            #expect((update["details"] as? [String: String]) == ["before.name": "周杰", "after.name": "周 杰伦"])
            #expect(try await api.send("/v1/audit", token: daemon.alice.token).status == 403)
        }
    }

    @Test("a complaint opens a task; a re-grade is in the history and the log; a task closes once", arguments: TestEngine.available)
    func interactionsGradesTasks(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let customer = daemon.knownCustomer
            let complaint = try await api.send("/v1/customers/\(customer)/interactions", token: daemon.alice.token, method: .POST,
                                               body: #"{"kind": "complaint", "note": "保养后异响\n要求回电"}"#)
            #expect(complaint.status == 201, "\(complaint.body)")
            let task = try #require(try complaint.json()["taskId"] as? Int)
            let view = try await api.send("/v1/customers/\(customer)", token: daemon.alice.token).json()
            let open = try #require(view["openTasks"] as? [[String: Any]])
            #expect(open.contains { $0["id"] as? Int == task && $0["kind"] as? String == "complaint" })

            let regrade = try await api.send("/v1/customers/\(customer)/grade", token: daemon.alice.token, method: .POST,
                                             body: #"{"grade": "C", "reason": "暂不换车"}"#)
            #expect(regrade.status == 204)
            let history = try await daemon.store.database.withConnection { sql in
                try await sql.select().columns("grade", "reason").from("lead_grade_history").orderBy("id", .descending).first()
            }
            #expect(try history?.decode(column: "reason", as: String.self) == "暂不换车")
            let log = try await api.send("/v1/audit?entity=customer&entityId=\(customer)", token: daemon.supervisor.token).items()
            let entry = try #require(log.first { $0["action"] as? String == "regrade" })
            #expect((entry["details"] as? [String: String])?["before.grade"] == "A")

            #expect(try await api.send("/v1/tasks/\(task)/complete", token: daemon.alice.token, method: .POST, body: #"{"result": "已回电"}"#).status == 204)
            #expect(try await api.send("/v1/tasks/\(task)/complete", token: daemon.alice.token, method: .POST, body: #"{"result": "again"}"#).status == 409)
            let emptyNote = try await api.send("/v1/customers/\(customer)/interactions", token: daemon.alice.token, method: .POST,
                                               body: #"{"kind": "note", "note": "  "}"#)
            #expect(emptyNote.status == 400)
        }
    }

    @Test("an admin exports a customer's personal data and erases it; the calls keep their statistics without the person",
          arguments: TestEngine.available)
    func personalData(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let call = try await APITests.oneAnsweredCall(daemon)
            let api = APIClient(port: daemon.httpPort)
            let customer = daemon.knownCustomer
            #expect(try await api.send("/v1/customers/\(customer)/export", token: daemon.alice.token).status == 404)
            let export = try await api.send("/v1/customers/\(customer)/export", token: daemon.adminToken)
            #expect(export.status == 200, "\(export.body)")
            let data = try export.json()
            #expect(data["name"] as? String == "李雷")
            #expect((data["phones"] as? [[String: Any]])?.first?["e164"] as? String == "+8613800138000")
            #expect((data["vehicles"] as? [[String: Any]])?.first?["vin"] as? String == "LSVAB4BR1EN000001")
            #expect((data["calls"] as? [[String: Any]])?.first?["id"] as? Int == call.id)

            #expect(try await api.send("/v1/customers/\(customer)/erase", token: daemon.supervisor.token, method: .POST).status == 404)
            #expect(try await api.send("/v1/customers/\(customer)/erase", token: daemon.adminToken, method: .POST).status == 204)
            let after = try await api.send("/v1/customers/\(customer)/export", token: daemon.adminToken).json()
            #expect(after["name"] as? String == "已删除 #\(customer)")
            #expect((after["phones"] as? [Any])?.isEmpty == true)
            #expect((after["vehicles"] as? [[String: Any]])?.first?["vin"] == nil)
            let kept = try await daemon.store.call(id: call.id, visibleTo: daemon.admin)
            #expect(kept.result == .answered && kept.answerAt != nil && kept.caller == nil && kept.externalName == nil)
            let lookup = try await api.send("/v1/lookup?phone=13800138000", token: daemon.adminToken).json()
            #expect((lookup["customers"] as? [Any])?.isEmpty == true)
            let actions = try await daemon.store.auditTrail(entity: "customer", id: customer).map(\.action)
            #expect(actions.contains("export_personal_data") && actions.contains("erase_personal_data"))
        }
    }

    @Test("a supervisor merges a duplicate (the grade set most recently survives) and reassigns a customer; an agent may do neither",
          arguments: TestEngine.available)
    func mergeAndReassign(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let keep = daemon.knownCustomer  // grade A, set when seeded
            let duplicate = try await api.send("/v1/customers", token: daemon.alice.token, method: .POST,
                                               body: #"{"name": "李雷", "phones": ["13800138000", "13700137000"], "grade": "C"}"#)
            let drop = try #require(try duplicate.json()["id"] as? Int)
            let byAgent = try await api.send("/v1/customers/\(keep)/merge", token: daemon.alice.token, method: .POST, body: #"{"dropId": \#(drop)}"#)
            #expect(byAgent.status == 403)
            let merged = try await api.send("/v1/customers/\(keep)/merge", token: daemon.supervisor.token, method: .POST, body: #"{"dropId": \#(drop)}"#)
            #expect(merged.status == 200, "\(merged.body)")
            #expect(try merged.json()["phonesMoved"] as? Int == 1 && (try merged.json()["phonesAlreadyPresent"] as? Int) == 1)
            let survivor = try await api.send("/v1/customers/\(keep)", token: daemon.alice.token).json()
            #expect(survivor["grade"] as? String == "C")
            #expect((survivor["phones"] as? [Any])?.count == 2)
            #expect(try await api.send("/v1/customers/\(keep)/merge", token: daemon.supervisor.token, method: .POST,
                                       body: #"{"dropId": \#(drop)}"#).status == 404, "a customer merged away is gone")

            #expect(try await api.send("/v1/customers/\(keep)/owner", token: daemon.alice.token, method: .POST,
                                       body: #"{"ownerId": \#(daemon.bob.user.id), "reason": "x"}"#).status == 403)
            let moved = try await api.send("/v1/customers/\(keep)/owner", token: daemon.supervisor.token, method: .POST,
                                           body: #"{"ownerId": \#(daemon.bob.user.id), "reason": "王芳休假"}"#)
            #expect(moved.status == 204, "\(moved.body)")
            #expect(try await api.send("/v1/customers/\(keep)", token: daemon.bob.token).status == 200)
            #expect(try await api.send("/v1/customers/\(keep)", token: daemon.alice.token).status == 404)
            let log = try await api.send("/v1/audit?entity=customer&entityId=\(keep)", token: daemon.supervisor.token).items()
            let change = try #require(log.first { $0["action"] as? String == "owner_changed" })
            #expect((change["details"] as? [String: String])?["reason"] == "王芳休假")
        }
    }
}
