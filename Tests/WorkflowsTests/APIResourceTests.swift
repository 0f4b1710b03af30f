import CRM
import Foundation
import Testing
import TestSupport
import Vocabulary

/// The CRM through the API: lookup, search, the 360° view and tasks, as each role sees them.
@Suite("HTTP API: customers, lookup and tasks")
struct APIResourceTests {
    @Test("lookup finds the caller on any written form of the number; agents see it masked, others of the team see nothing",
          arguments: TestEngine.available)
    func lookup(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            for written in ["13800138000", "+86%20138%200013%208000", "0086-138-0013-8000"] {
                let answer = try await api.send("/v1/lookup?phone=\(written)", token: daemon.alice.token)
                #expect(answer.status == 200, "\(written): \(answer.body)")
                let customers = try answer.json()["customers"] as? [[String: Any]] ?? []
                #expect(customers.map { $0["name"] as? String } == ["李雷"], "\(written)")
                #expect(try answer.json()["number"] as? String == "+86138****8000")
                #expect(!answer.body.contains("13800138000"))
            }
            let bobs = try await api.send("/v1/lookup?phone=13800138000", token: daemon.bob.token)
            let bobsCustomers = try bobs.json()["customers"] as? [Any]
            #expect(bobs.status == 200 && bobsCustomers?.isEmpty == true)
            let supervisors = try await api.send("/v1/lookup?phone=13800138000", token: daemon.supervisor.token)
            #expect(supervisors.body.contains("+8613800138000"))
            let notANumber = try await api.send("/v1/lookup?phone=hello", token: daemon.alice.token)
            let notANumberField = try notANumber.json()["number"]
            #expect(notANumber.status == 200 && notANumberField == nil)
        }
    }

    @Test("a supervisor's unmasked view of a customer or a call is in the audit log; an agent's masked one is not", arguments: TestEngine.available)
    func unmaskedViewsAudited(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let call = try await APITests.oneAnsweredCall(daemon)
            let api = APIClient(port: daemon.httpPort)
            #expect(try await api.send("/v1/customers/\(daemon.knownCustomer)", token: daemon.alice.token).status == 200)
            #expect(try await api.send("/v1/lookup?phone=13800138000", token: daemon.alice.token).status == 200)
            #expect(try await daemon.store.auditTrail(entity: "customer", id: daemon.knownCustomer).filter { $0.action == "view_unmasked" }.isEmpty)
            #expect(try await api.send("/v1/customers/\(daemon.knownCustomer)", token: daemon.supervisor.token).status == 200)
            #expect(try await api.send("/v1/calls/\(call.id)", token: daemon.supervisor.token).status == 200)
            let views = try await daemon.store.auditTrail(entity: "customer", id: daemon.knownCustomer).filter { $0.action == "view_unmasked" }
            #expect(views.map(\.actorId) == [daemon.supervisor.user.id])
            #expect(try await daemon.store.auditTrail(entity: "call", id: call.id).map(\.actorId) == [daemon.supervisor.user.id])
        }
    }

    @Test("search by name part or phone pages through results with the cursor, each customer once", arguments: TestEngine.available)
    func searchPages(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator, prepare: { store in
            let owner = try #require(try await store.user(named: "王芳"))
            for index in 0..<7 {
                let raw = "1390000000\(index)"
                let number = try #require(store.normalizer.normalize(raw).phoneNumber)
                _ = try await store.createCustomer(NewCustomer(name: "张伟\(index)", ownerID: owner.id, phones: [(raw, number)]))
            }
        }) { daemon in
            let api = APIClient(port: daemon.httpPort)
            var names: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let path = "/v1/customers?q=%E5%BC%A0%E4%BC%9F&limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let answer = try await api.send(path, token: daemon.alice.token)
                #expect(answer.status == 200, "\(answer.body)")
                names += try answer.items().compactMap { $0["name"] as? String }
                cursor = try answer.json()["nextCursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(names == (0..<7).map { "张伟\($0)" })
            #expect(pages == 3)
            let byPhone = try await api.send("/v1/customers?q=139-0000-0004", token: daemon.alice.token)
            #expect(try byPhone.items().compactMap { $0["name"] as? String } == ["张伟4"])
            #expect(try await api.send("/v1/customers?q=%E5%BC%A0%E4%BC%9F", token: daemon.bob.token).items().isEmpty)
        }
    }

    @Test("the 360° view shows vehicles, policies, grade and open tasks to the owner; to another agent it does not exist",
          arguments: TestEngine.available)
    func customerView(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            try await daemon.store.addTask(customerID: daemon.knownCustomer, kind: .followUp, ownerID: daemon.alice.user.id,
                                           dueAt: Date().addingTimeInterval(-3600), note: "报价")
            let view = try await api.send("/v1/customers/\(daemon.knownCustomer)", token: daemon.alice.token)
            #expect(view.status == 200, "\(view.body)")
            let customer = try view.json()
            #expect(customer["name"] as? String == "李雷" && customer["grade"] as? String == "A")
            #expect((customer["vehicles"] as? [[String: Any]])?.first?["plate"] as? String == "沪A12345")
            #expect((customer["policies"] as? [[String: Any]])?.first?["expiryDate"] as? String == "2027-01-15")
            let lead = try #require((customer["leads"] as? [[String: Any]])?.first)
            #expect(lead["grade"] as? String == "A" && (lead["history"] as? [[String: Any]])?.first?["reason"] as? String == "created")
            let task = try #require((customer["openTasks"] as? [[String: Any]])?.first)
            #expect(task["kind"] as? String == "follow_up" && task["overdue"] as? Bool == true)
            let missing = try await api.send("/v1/customers/999999", token: daemon.alice.token)
            let others = try await api.send("/v1/customers/\(daemon.knownCustomer)", token: daemon.bob.token)
            #expect(missing.status == 404 && others.status == 404)
            #expect(try missing.json()["error"] as? String == others.json()["error"] as? String)
        }
    }

    @Test("my tasks: overdue and today's, earliest first, not tomorrow's nor anyone else's; due=all adds the later ones",
          arguments: TestEngine.available)
    func myTasks(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let store = daemon.store
            let now = Date()
            let overdue = try await store.addTask(customerID: daemon.knownCustomer, kind: .callback, ownerID: daemon.alice.user.id,
                                                  dueAt: now.addingTimeInterval(-2 * 86_400), note: nil)
            let today = try await store.addTask(customerID: daemon.knownCustomer, kind: .followUp, ownerID: daemon.alice.user.id,
                                                dueAt: now, note: nil)
            let later = try await store.addTask(customerID: daemon.knownCustomer, kind: .followUp, ownerID: daemon.alice.user.id,
                                                dueAt: now.addingTimeInterval(3 * 86_400), note: nil)
            let bobs = try await store.addTask(customerID: daemon.knownCustomer, kind: .followUp, ownerID: daemon.bob.user.id, dueAt: now, note: nil)
            let mine = try await api.send("/v1/tasks", token: daemon.alice.token)
            #expect(try mine.items().compactMap { ($0["id"] as? Int) } == [overdue, today])
            #expect(try mine.items().first?["overdue"] as? Bool == true)
            let all = try await api.send("/v1/tasks?due=all&limit=2", token: daemon.alice.token)
            let cursor = try #require(try all.json()["nextCursor"] as? String)
            let rest = try await api.send("/v1/tasks?due=all&limit=2&cursor=\(cursor)", token: daemon.alice.token)
            #expect(try rest.items().compactMap { ($0["id"] as? Int) } == [later])
            let customers = try await api.send("/v1/customers/\(daemon.knownCustomer)/tasks", token: daemon.supervisor.token)
            #expect(try customers.items().count == 4)
            // An open task assigned to bob gives him that customer while it is his to do (a renewal or a
            // reassigned overdue call); once it is gone, alice's customer is out of his reach again.
            #expect(try await api.send("/v1/customers/\(daemon.knownCustomer)/tasks", token: daemon.bob.token).status == 200)
            #expect(try await api.send("/v1/tasks/\(bobs)/cancel", token: daemon.supervisor.token, method: .POST, body: #"{"reason": "duplicate"}"#).status == 204)
            #expect(try await api.send("/v1/customers/\(daemon.knownCustomer)/tasks", token: daemon.bob.token).status == 404)
        }
    }

    @Test("every vocabulary value has its place in the document's enums")
    func vocabularyMatchesDocument() throws {
        let document = try String(contentsOf: APIContractTests.specPath, encoding: .utf8)
        func listed(_ schema: String) -> [String] {
            guard let start = document.range(of: "    \(schema):\n      type: string\n      enum: [") else { return [] }
            let rest = document[start.upperBound...]
            return rest[..<(rest.firstIndex(of: "]") ?? rest.endIndex)].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        #expect(listed("CallDirection") == CallDirection.allCases.map(\.rawValue))
        #expect(listed("CallResult") == CallResult.allCases.map(\.rawValue))
        #expect(listed("CallStatus") == CallStatus.allCases.map(\.rawValue))
        #expect(listed("CallEndSource") == CallEndSource.allCases.map(\.rawValue))
        #expect(listed("TaskKind") == TaskKind.allCases.map(\.rawValue))
        #expect(listed("TaskStatus") == TaskStatus.allCases.map(\.rawValue))
        #expect(listed("UserRole") == UserRole.allCases.map(\.rawValue))
        #expect(listed("LeadGrade") == LeadGrade.allCases.map(\.rawValue))
        #expect(listed("CustomerKind") == CustomerKind.allCases.map(\.rawValue))
        #expect(listed("LeadStage") == LeadStage.allCases.map(\.rawValue))
        #expect(listed("ApprovalKind") == ApprovalKind.allCases.map(\.rawValue))
        #expect(listed("ApprovalStatus") == ApprovalStatus.allCases.map(\.rawValue))
        #expect(listed("ImportStatus") == ImportRecord.Status.allCases.map(\.rawValue))
    }
}
