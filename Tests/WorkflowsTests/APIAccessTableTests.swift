import CRM
import Foundation
import Testing
import TestSupport

/// Access, driven by the document's own route list so that a new route cannot skip it: for every
/// route with an id, agent B asking for agent A's record gets exactly what a missing id gets (404),
/// and no list, filter or search hands B anything of A's.
@Suite("HTTP API: no agent reaches another's records by any route")
struct APIAccessTableTests {
    /// The document's paths and their methods, read from `Spec/openapi.yaml`.
    static func routes() throws -> [(path: String, methods: [String])] {
        let lines = try String(contentsOf: APIContractTests.specPath, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        var routes: [(String, [String])] = []
        var inPaths = false
        for line in lines {
            if line == "paths:" { inPaths = true; continue }
            if inPaths, !line.hasPrefix(" "), !line.isEmpty { break }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") { routes.append((String(line.dropFirst(2).dropLast()), [])) }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("    "), !line.hasPrefix("     "), ["get:", "post:", "put:", "patch:", "delete:"].contains(trimmed) {
                routes[routes.count - 1].1.append(String(trimmed.dropLast()).uppercased())
            }
        }
        return routes
    }

    @Test("every route with an id answers another agent's id like a missing one", arguments: TestEngine.available)
    func idRoutes(_ engine: TestEngine) async throws {
        try await RecordingPlaybackTests.withRecordedCall(engine) { daemon, call, _ in
            let api = APIClient(port: daemon.httpPort)
            // A complaint (a call task closes only by a logged call), due after today.
            let task = try await daemon.store.addTask(customerID: daemon.knownCustomer, kind: .complaint, ownerID: daemon.alice.user.id,
                                                      dueAt: Date().addingTimeInterval(3 * 86_400), note: nil)
            // A call task of hers to ask to cancel (a request: it stays open).
            let callTask = try await daemon.store.addTask(customerID: daemon.knownCustomer, kind: .followUp, ownerID: daemon.alice.user.id,
                                                          dueAt: Date().addingTimeInterval(3 * 86_400), note: nil)
            let second = try await daemon.store.createCustomer(NewCustomer(
                name: "李雷（重复）", ownerID: daemon.alice.user.id,
                phones: [("13800138009", try #require(daemon.store.normalizer.normalize("13800138009").phoneNumber))]))
            let phone = try await daemon.store.database.withConnection { sql in
                try await sql.select().column("id").from("phones").where("customer_id", .equal, daemon.knownCustomer)
                    .first(decodingColumn: "id", as: Int.self)
            }
            let parts = try await Self.aliceRecords(daemon)
            // A customer in another team's pool: bob may not claim it, that team's agent may.
            let carol = try await daemon.store.addUser(name: "孙丽", role: .agent, extension: "2001", team: "service")
            let pooled = try await daemon.store.createCustomer(NewCustomer(
                name: "公海客户", ownerID: nil, poolTeamID: carol.user.teamID,
                phones: [("13800138077", try #require(daemon.store.normalizer.normalize("13800138077").phoneNumber))]))
            // The record of alice's that each resource's {id} names; a new resource must be added here.
            let ids = ["customers": daemon.knownCustomer, "calls": call.id, "tasks": task, "users": daemon.alice.user.id,
                       "leads": parts.lead, "approvals": parts.approval, "teams": try #require(daemon.alice.user.teamID),
                       "tokens": parts.token, "imports": parts.importID, "agents": daemon.alice.user.id, "notifications": parts.notification]
            let pathIDs = ["/tasks/{id}/cancel": callTask, "/pool/{id}/claim": pooled]
            // Who may write each resource: its owner, or for users and teams an admin, for approvals and imports a supervisor.
            let owners = ["users": daemon.adminToken, "teams": daemon.adminToken, "approvals": daemon.supervisor.token,
                          "imports": daemon.supervisor.token,
                          "/customers/{id}/merge": daemon.supervisor.token, "/customers/{id}/owner": daemon.supervisor.token,
                          "/customers/{id}/export": daemon.adminToken, "/customers/{id}/erase": daemon.adminToken,
                          "/pool/{id}/claim": carol.token]
            let inner = ["{phoneId}": try #require(phone), "{contactId}": parts.contact, "{vehicleId}": parts.vehicle, "{policyId}": parts.policy]
            let bodies = [
                "POST /calls/{id}/outcome": #"{"outcome": "ok"}"#,
                "PATCH /customers/{id}": #"{"source": "展厅"}"#,
                "POST /customers/{id}/phones": #"{"number": "139 1111 2222"}"#,
                "POST /customers/{id}/interactions": #"{"kind": "visit", "note": "看车"}"#,
                "POST /customers/{id}/grade": #"{"grade": "B", "reason": "预算不足"}"#,
                "POST /tasks/{id}/complete": #"{"result": "已报价"}"#,
                "POST /tasks/{id}/cancel": #"{"reason": "duplicate", "note": "重复任务"}"#,
                "POST /notifications/{id}/read": "",
                "PATCH /users/{id}": #"{"seniority": 1}"#,
                "POST /customers/{id}/erase": "",
                "POST /customers/{id}/merge": #"{"dropId": \#(second)}"#,
                "POST /customers/{id}/owner": #"{"ownerId": \#(daemon.alice.user.id), "reason": "回访"}"#,
                "POST /customers/{id}/contacts": #"{"name": "韩梅梅", "role": "配偶"}"#,
                "PATCH /customers/{id}/contacts/{contactId}": #"{"birthday": "1990-05-04"}"#,
                "POST /customers/{id}/vehicles": #"{"model": "凯美瑞", "plate": "沪A12345"}"#,
                "PATCH /customers/{id}/vehicles/{vehicleId}": #"{"plate": "沪B54321"}"#,
                "POST /customers/{id}/policies": #"{"expiryDate": "2027-08-01", "insurer": "平安"}"#,
                "PATCH /customers/{id}/policies/{policyId}": #"{"policyNo": "PA-778"}"#,
                "POST /customers/{id}/leads": #"{"grade": "A", "reason": "换购"}"#,
                "PATCH /leads/{id}": #"{"stage": "test_drive"}"#,
                "POST /leads/{id}/grade": #"{"grade": "B", "reason": "预算"}"#,
                "POST /leads/{id}/close": #"{"outcome": "won", "reason": "已签约"}"#,
                "POST /approvals/{id}/decision": #"{"approve": false, "note": "再跟进"}"#,
                "PATCH /teams/{id}": #"{"name": "hotline"}"#,
                "POST /agents/{id}/pause": #"{"paused": true, "reason": "lunch"}"#,
                "POST /pool/{id}/claim": "",
                "POST /customers/{id}/release": #"{"reason": "换人跟进"}"#,
            ]
            // Releasing the customer to the pool, then erasing it, go last: the routes after them would find nothing of hers.
            func rank(_ path: String) -> Int { path.hasSuffix("/erase") ? 2 : path.hasSuffix("/release") ? 1 : 0 }
            let withIDs = try Self.routes().filter { $0.path.contains("{id}") }.sorted { rank($0.path) < rank($1.path) }
            #expect(withIDs.count >= 5)
            for route in withIDs {
                let resource = String(route.path.split(separator: "/").first ?? "")
                let id = try #require(pathIDs[route.path] ?? ids[resource], "route \(route.path) has an id of a resource the access table does not know: add it")
                var path = route.path
                for (placeholder, value) in inner { path = path.replacingOccurrences(of: placeholder, with: "\(value)") }
                for method in route.methods {
                    let body = ["GET", "DELETE"].contains(method) ? nil
                        : try #require(bodies["\(method) \(route.path)"], "no body for \(method) \(route.path): add one")
                    let theirs = try await api.send("/v1" + path.replacingOccurrences(of: "{id}", with: "\(id)"), token: daemon.bob.token,
                                                    method: .init(rawValue: method), body: body)
                    let missing = try await api.send("/v1" + path.replacingOccurrences(of: "{id}", with: "99999999"), token: daemon.bob.token,
                                                     method: .init(rawValue: method), body: body)
                    // Another's id answers exactly like a missing one: 404, or 403 where the role may not at all.
                    #expect(theirs.status == missing.status && [403, 404].contains(theirs.status), "\(method) \(route.path): \(theirs.status) \(theirs.body)")
                    #expect(try theirs.json()["error"] as? String == missing.json()["error"] as? String, "\(method) \(route.path)")
                    let own = try await api.send("/v1" + path.replacingOccurrences(of: "{id}", with: "\(id)"), token: owners[route.path] ?? owners[resource] ?? daemon.alice.token,
                                                 method: .init(rawValue: method), body: body)
                    #expect((200..<300).contains(own.status), "\(method) \(route.path) for the owner: \(own.status) \(own.body)")
                }
            }
            #expect(try await daemon.store.call(id: call.id, visibleTo: daemon.admin).interactionIDs.count == 1, "only alice's outcome was written")
        }
    }

    /// Records of alice's beside her customer: a contact, vehicle, policy, lead, a pending lost request on
    /// a second lead, a spare token (revoking her own would end the test), and an import her supervisor ran.
    static func aliceRecords(_ daemon: DaemonHarness) async throws
        -> (contact: Int, vehicle: Int, policy: Int, lead: Int, approval: Int, token: Int, importID: Int, notification: Int) {
        let store = daemon.store, alice = daemon.alice.user, customer = daemon.knownCustomer
        let contact = try await store.addPart(.contact, to: customer, ["name": .text("韩梅梅")], by: alice)
        let vehicle = try await store.addPart(.vehicle, to: customer, ["model": .text("卡罗拉")], by: alice)
        let policy = try await store.addPart(.policy, to: customer, ["expiry_date": .text("2027-06-30")], by: alice)
        let lead = try await store.createLead(customerID: customer, grade: .a, reason: nil, by: alice).id
        let second = try await store.createLead(customerID: customer, grade: .c, reason: nil, by: alice).id
        guard case .awaitingApproval(let approval) = try await store.closeLead(second, as: .lost, reason: "已买别家", by: alice) else {
            throw UnexpectedAnswer(what: "an agent's lost close must wait for a manager")
        }
        let token = try await store.issueToken(userID: alice.id, label: "spare", lifetime: nil).info.id
        let record = try await store.queueImport(fileName: "a.csv", by: daemon.supervisor.user)
        try await store.updateImport(record.id, status: .done, report: ImportReport())
        // A notification of hers: a manager's answer to another lost request.
        let third = try await store.createLead(customerID: customer, grade: .c, reason: nil, by: alice).id
        guard case .awaitingApproval(let rejected) = try await store.closeLead(third, as: .lost, reason: "联系不上", by: alice) else {
            throw UnexpectedAnswer(what: "an agent's lost close must wait for a manager")
        }
        _ = try await store.decide(approval: rejected.id, approve: false, note: "再跟进", by: daemon.supervisor.user)
        let notification = try #require(try await store.notifications(for: alice).first).id
        return (contact, vehicle, policy, lead, approval.id, token, record.id, notification)
    }

    @Test("lists, filters and searches give another agent nothing of the owner's", arguments: TestEngine.available)
    func listsAndFilters(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            _ = try await APITests.oneAnsweredCall(daemon)
            let api = APIClient(port: daemon.httpPort)
            for path in ["/v1/calls", "/v1/calls?customer=\(daemon.knownCustomer)", "/v1/calls?agent=\(daemon.alice.user.id)",
                         "/v1/customers?q=%E6%9D%8E%E9%9B%B7", "/v1/customers?q=13800138000", "/v1/tasks?due=all", "/v1/pool"] {
                let answer = try await api.send(path, token: daemon.bob.token)
                let items = try answer.items()
                #expect(answer.status == 200 && items.isEmpty, "\(path): \(answer.body)")
                #expect(!answer.body.contains("李雷") && !answer.body.contains("138"), "\(path)")
            }
            let lookup = try await api.send("/v1/lookup?phone=13800138000", token: daemon.bob.token)
            #expect(!lookup.body.contains("李雷"))
        }
    }
}

/// A store answer a test's set-up did not expect.
struct UnexpectedAnswer: Error {
    let what: String
}
