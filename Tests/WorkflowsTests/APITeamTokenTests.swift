import CRM
import Foundation
import Testing
import TestSupport

/// Teams, a user's devices, and tokens through the API.
@Suite("HTTP API: teams, devices and tokens")
struct APITeamTokenTests {
    @Test("admins add and rename teams and set a user's devices; others see their own team and may not change it",
          arguments: TestEngine.available)
    func teamsAndDevices(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let created = try await api.send("/v1/teams", token: daemon.adminToken, method: .POST, body: #"{"name": "续保组"}"#)
            #expect(created.status == 201, "\(created.body)")
            let team = try #require(try created.json()["id"] as? Int)
            #expect(try await api.send("/v1/teams", token: daemon.adminToken, method: .POST, body: #"{"name": "续保组"}"#).status == 409)
            #expect(try await api.send("/v1/teams", token: daemon.supervisor.token, method: .POST, body: #"{"name": "x"}"#).status == 403)
            let renamed = try await api.send("/v1/teams/\(team)", token: daemon.adminToken, method: .PATCH, body: #"{"name": "续保一组"}"#)
            #expect(try renamed.status == 200 && (renamed.json()["name"] as? String) == "续保一组")
            #expect(try await api.send("/v1/teams/99999", token: daemon.adminToken, method: .PATCH, body: #"{"name": "y"}"#).status == 404)

            let all = try await api.send("/v1/teams", token: daemon.adminToken).items()
            #expect(all.compactMap { $0["name"] as? String } == ["hotline", "续保一组"])
            #expect(all.first?["members"] as? Int == 3)
            let hers = try await api.send("/v1/teams", token: daemon.alice.token).items()
            #expect(hers.compactMap { $0["name"] as? String } == ["hotline"])

            let devices = try await api.send("/v1/users/\(daemon.bob.user.id)", token: daemon.adminToken, method: .PATCH,
                                             body: #"{"devices": ["PJSIP/1002-*", "Local/13912345678@from-internal"], "team": "续保一组"}"#)
            let user = try devices.json()
            #expect(devices.status == 200 && (user["devices"] as? [String]) == ["PJSIP/1002-*", "Local/13912345678@from-internal"])
            #expect(user["teamId"] as? Int == team)
            let identity = try await daemon.store.agentIdentities().first { $0.userID == daemon.bob.user.id }
            #expect(identity?.devicePatterns == ["PJSIP/1002-*", "Local/13912345678@from-internal"])
            let bad = try await api.send("/v1/users/\(daemon.bob.user.id)", token: daemon.adminToken, method: .PATCH, body: #"{"devices": ["no slash"]}"#)
            #expect(try bad.status == 400 && (bad.json()["field"] as? String) == "devices")
            let log = try await daemon.store.auditTrail(entity: "user", id: daemon.bob.user.id).last?.details ?? ""
            #expect(log.contains(#""after.devices":"PJSIP/1002-*,Local/13912345678@from-internal""#))
            #expect(try await daemon.store.auditTrail(entity: "team", id: team).map(\.action) == ["create", "rename"])
        }
    }

    @Test("a user lists their tokens without values, issues another and revokes it; an admin revokes anyone's; no one else's exists",
          arguments: TestEngine.available)
    func tokens(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let issued = try await api.send("/v1/tokens", token: daemon.alice.token, method: .POST, body: #"{"label": "大屏", "hours": 24}"#)
            #expect(issued.status == 201, "\(issued.body)")
            let answer = try issued.json()
            let token = try #require(answer["token"] as? String)
            let id = try #require((answer["info"] as? [String: Any])?["id"] as? Int)
            #expect(try await api.send("/v1/me", token: token).status == 200)

            let listed = try await api.send("/v1/tokens", token: daemon.alice.token)
            #expect(Set(try listed.items().compactMap { $0["label"] as? String }) == ["cli", "大屏"])
            #expect(!listed.body.contains(token) && !listed.body.contains(daemon.alice.token), "a token is shown once, never listed")
            #expect(try await api.send("/v1/tokens?userId=\(daemon.alice.user.id)", token: daemon.bob.token).status == 404)
            #expect(try await api.send("/v1/tokens/\(id)", token: daemon.bob.token, method: .DELETE).status == 404)
            #expect(try await api.send("/v1/tokens?userId=\(daemon.alice.user.id)", token: daemon.adminToken).items().count == 2)

            #expect(try await api.send("/v1/tokens/\(id)", token: daemon.alice.token, method: .DELETE).status == 204)
            try await daemon.waitUntil("revoked token refused", timeout: .seconds(3)) { try await api.send("/v1/me", token: token).status == 401 }
            #expect(try await api.send("/v1/tokens/\(id)", token: daemon.alice.token, method: .DELETE).status == 404, "revoked once")
            let trail = try await daemon.store.auditTrail(entity: "api_token", id: id)
            #expect(trail.map(\.action) == ["issue", "revoke"] && trail.allSatisfy { $0.actorId == daemon.alice.user.id })
            #expect(!trail.contains { ($0.details ?? "").contains(token) })

            let bobs = try #require(try await daemon.store.tokens(userID: daemon.bob.user.id).first?.id)
            #expect(try await api.send("/v1/tokens/\(bobs)", token: daemon.adminToken, method: .DELETE).status == 204)
            try await daemon.waitUntil("bob's token refused", timeout: .seconds(3)) { try await api.send("/v1/me", token: daemon.bob.token).status == 401 }
        }
    }
}
