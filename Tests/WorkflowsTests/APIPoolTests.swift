import CRM
import Foundation
import Testing
import TestSupport

/// The customer pools (公海) over the API: an upload without owners fills the supervisor's team pool,
/// agents list it with numbers masked, claim, release, and are refused a claim back within the cooldown.
@Suite("HTTP API: customer pools")
struct APIPoolTests {
    @Test("an upload without owners fills the team pool; an agent lists it masked, claims one, sees its history, releases it and may not claim it back yet",
          arguments: TestEngine.available)
    func claimAndRelease(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let csv = "姓名,手机,等级\n周一,13700137101,A\n吴二,13700137102,B\n"
            let started = try await api.send("/v1/imports", token: daemon.supervisor.token, method: .POST, body: csv, contentType: "text/csv")
            #expect(started.status == 202, "\(started.body)")
            let record = try await APIImportTests.finished(api, try #require(try started.json()["id"] as? Int), token: daemon.supervisor.token, daemon: daemon)
            #expect(record["status"] as? String == "done" && record["created"] as? Int == 2 && record["rejected"] as? Int == 0, "\(record)")

            let pool = try await api.send("/v1/pool?kind=team", token: daemon.alice.token)
            let items = try pool.items()
            #expect(pool.status == 200 && items.count == 2, "\(pool.body)")
            #expect(pool.body.contains("137****7101") && !pool.body.contains("13700137101"), "agents see numbers masked")
            let first = try #require(items.first?["customer"] as? [String: Any])
            #expect(first["ownerId"] == nil && items.first?["pool"] as? String == "team")
            #expect(items.first?["teamId"] as? Int == daemon.supervisor.user.teamID)
            let id = try #require(first["id"] as? Int)
            #expect(try await api.send("/v1/customers/\(id)", token: daemon.alice.token).status == 404, "a pooled customer is claimed before it is worked")

            let claimed = try await api.send("/v1/pool/\(id)/claim", token: daemon.alice.token, method: .POST)
            let claimedOwner = try claimed.json()["ownerId"] as? Int
            #expect(claimed.status == 200 && claimedOwner == daemon.alice.user.id, "\(claimed.body)")
            let twice = try await api.send("/v1/pool/\(id)/claim", token: daemon.bob.token, method: .POST)
            #expect(twice.status == 404, "claimed a moment ago by someone else: gone from the pool")
            let view = try await api.send("/v1/customers/\(id)", token: daemon.alice.token)
            let history = try #require(try view.json()["ownerHistory"] as? [[String: Any]])
            #expect(history.compactMap { $0["kind"] as? String } == ["imported", "claimed"], "\(view.body)")
            #expect(try await api.send("/v1/pool", token: daemon.alice.token).items().count == 1)

            let noReason = try await api.send("/v1/customers/\(id)/release", token: daemon.alice.token, method: .POST, body: "{}")
            #expect(noReason.status == 400)
            let released = try await api.send("/v1/customers/\(id)/release", token: daemon.alice.token, method: .POST, body: #"{"reason": "客户要求换人"}"#)
            #expect(released.status == 204, "\(released.body)")
            let back = try await api.send("/v1/pool/\(id)/claim", token: daemon.alice.token, method: .POST)
            #expect(back.status == 409 && back.body.contains("may claim it back from"), "\(back.body)")
            #expect(try await api.send("/v1/pool/\(id)/claim", token: daemon.bob.token, method: .POST).status == 200)
            let trail = try await daemon.store.auditTrail(entity: "customer", id: id).map(\.action)
            #expect(trail.filter { ["claim", "pooled"].contains($0) } == ["claim", "pooled", "claim"])

            #expect(try await api.send("/v1/pool/abc/claim", token: daemon.alice.token, method: .POST).status == 400)
            #expect(try await api.send("/v1/pool?kind=vip", token: daemon.alice.token).status == 400)
            let badTeam = try await api.send("/v1/imports?poolTeam=nosuch", token: daemon.adminToken, method: .POST, body: csv, contentType: "text/csv")
            let badField = try badTeam.json()["field"] as? String
            #expect(badTeam.status == 400 && badField == "poolTeam", "\(badTeam.body)")
        }
    }

    @Test("disabling a rep with handoverToPool puts their customers, leads and open tasks in the team pool at once",
          arguments: TestEngine.available)
    func handoverToPool(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let done = try await api.send("/v1/users/\(daemon.alice.user.id)", token: daemon.adminToken, method: .PATCH,
                                          body: #"{"disabled": true, "handoverToPool": true}"#)
            #expect(done.status == 200, "\(done.body)")
            let pool = try await api.send("/v1/pool", token: daemon.bob.token).items()
            #expect(pool.compactMap { ($0["customer"] as? [String: Any])?["id"] as? Int } == [daemon.knownCustomer])
            #expect(pool.first?["lastOwnerId"] as? Int == daemon.alice.user.id)
            let trail = try await daemon.store.auditTrail(entity: "user", id: daemon.alice.user.id).map(\.action)
            #expect(trail.contains("handover"))
        }
    }
}
