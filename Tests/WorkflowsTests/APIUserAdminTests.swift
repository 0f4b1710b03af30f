import CRM
import Foundation
import Testing
import TestSupport

/// Users and teams through the API: admins add and change them; others see their own reach only.
@Suite("HTTP API: users")
struct APIUserAdminTests {
    @Test("an admin adds a user who can log in, moves and disables them; each change is audited; others may not", arguments: TestEngine.available)
    func adminManagesUsers(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let created = try await api.send("/v1/users", token: daemon.adminToken, method: .POST,
                                             body: #"{"name": "孙丽", "role": "agent", "extension": "1003", "team": "hotline", "password": "secret-pass-1"}"#)
            #expect(created.status == 201, "\(created.body)")
            let id = try #require(try created.json()["id"] as? Int)
            let login = try await api.send("/v1/login", method: .POST, body: #"{"name": "孙丽", "password": "secret-pass-1"}"#)
            #expect(login.status == 200)
            let token = try #require(try login.json()["token"] as? String)

            #expect(try await api.send("/v1/users", token: daemon.supervisor.token, method: .POST, body: #"{"name": "x", "role": "admin"}"#).status == 403)
            #expect(try await api.send("/v1/users/\(id)", token: daemon.supervisor.token, method: .PATCH, body: #"{"role": "admin"}"#).status == 404)
            let clash = try await api.send("/v1/users/\(id)", token: daemon.adminToken, method: .PATCH, body: #"{"extension": "1001"}"#)
            #expect(clash.status == 409)
            let badExtension = try await api.send("/v1/users/\(id)", token: daemon.adminToken, method: .PATCH, body: #"{"extension": "10a"}"#)
            #expect(badExtension.status == 400 || badExtension.status == 422, "\(badExtension.body)")

            let mine = try await api.send("/v1/users", token: daemon.alice.token).items().compactMap { $0["name"] as? String }
            #expect(mine == ["王芳"])
            let team = try await api.send("/v1/users", token: daemon.supervisor.token).items().compactMap { $0["name"] as? String }
            #expect(Set(team) == ["王芳", "赵强", "主管", "孙丽"])

            let moved = try await api.send("/v1/users/\(id)", token: daemon.adminToken, method: .PATCH, body: #"{"seniority": 2, "disabled": true}"#)
            let seniority = try moved.json()["seniority"] as? Int
            #expect(moved.status == 200 && seniority == 2)
            try await daemon.waitUntil("disabled user refused", timeout: .seconds(3)) { try await api.send("/v1/me", token: token).status == 401 }
            let log = try await api.send("/v1/audit?entity=user&entityId=\(id)", token: daemon.adminToken).items()
            #expect(log.compactMap { $0["action"] as? String } == ["update", "set_password", "create"])
            #expect((log.first?["details"] as? [String: String]) == ["before.seniority": "0", "after.seniority": "2",
                                                                     "before.disabled": "false", "after.disabled": "true"])
        }
    }
}
