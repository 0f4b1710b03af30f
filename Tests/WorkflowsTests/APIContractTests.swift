import CRM
import Crypto
import Foundation
import HTTPAPI
import Testing
import TestSupport

/// The API's contract: the document it serves, what it refuses and how, and logging in.
@Suite("HTTP API: the document, refusals, login")
struct APIContractTests {
    static let specPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/HTTPAPI/Spec/openapi.yaml").standardized

    @Test("the document is served at /openapi.yaml as written, and the committed generated code was made from it")
    func documentServedAndCurrent() async throws {
        try await DaemonHarness.run(.sqlite, simulator: APITests.simulator) { daemon in
            let answer = try await APIClient(port: daemon.httpPort).send("/openapi.yaml")
            let source = try String(contentsOf: Self.specPath, encoding: .utf8)
            #expect(answer.status == 200)
            #expect(answer.headers.first(name: "Content-Type")?.hasPrefix("application/yaml") == true)
            #expect(answer.body == source)
            #expect(answer.body.hasPrefix("openapi: \"3.1.0\""))
            let recorded = try String(contentsOf: Self.specPath.deletingLastPathComponent()
                .appendingPathComponent("../Generated/openapi.sha256"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let actual = SHA256.hash(data: Data(source.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(recorded == actual, "Spec/openapi.yaml changed since Generated/ was made: run scripts/generate-openapi")
        }
    }

    @Test("a body over 64 KiB is 413, an unknown field 400 naming it, a wrong content type 415; nothing is written",
          arguments: TestEngine.available)
    func bodyRefusals(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let call = try await APITests.oneAnsweredCall(daemon)
            let api = APIClient(port: daemon.httpPort)
            let path = "/v1/calls/\(call.id)/outcome"
            let huge = try await api.send(path, token: daemon.alice.token, method: .POST,
                                          body: #"{"outcome": "ok", "note": ""# + String(repeating: "x", count: 2_000_000) + #""}"#)
            #expect(huge.status == 413)
            #expect(try huge.json()["error"] as? String == "too_large")
            let unknown = try await api.send(path, token: daemon.alice.token, method: .POST, body: #"{"outcome": "ok", "grdae": "A"}"#)
            #expect(unknown.status == 400 && unknown.body.contains("grdae"), "\(unknown.body)")
            let longNote = try await api.send(path, token: daemon.alice.token, method: .POST,
                                              body: #"{"outcome": "ok", "note": ""# + String(repeating: "长", count: 4001) + #""}"#)
            let longNoteField = try longNote.json()["field"] as? String
            #expect(longNote.status == 400 && longNoteField == "note")
            let nul = try await api.send(path, token: daemon.alice.token, method: .POST, body: #"{"outcome": "ok", "note": "a\u0000b"}"#)
            let nulField = try nul.json()["field"] as? String
            #expect(nul.status == 400 && nulField == "note")
            let form = try await api.send(path, token: daemon.alice.token, method: .POST, body: "outcome=ok", contentType: "application/x-www-form-urlencoded")
            #expect(form.status == 415)
            #expect(try await daemon.store.call(id: call.id, visibleTo: daemon.admin).interactionIDs.isEmpty)
            let wrongMethod = try await api.send("/v1/calls/\(call.id)", token: daemon.alice.token, method: .DELETE)
            #expect(wrongMethod.status == 405, "\(wrongMethod.status)")
        }
    }

    @Test("every parameter is checked against the document: type, range, length, enum, real dates, cursors")
    func parameterRules() async throws {
        try await DaemonHarness.run(.sqlite, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            for (path, field) in [("/v1/calls?limit=0", "limit"), ("/v1/calls?limit=501", "limit"), ("/v1/calls?from=2026-02-31", "from"),
                                  ("/v1/calls?agent=-1", "agent"), ("/v1/customers?q=", "q"), ("/v1/customers", "q"),
                                  ("/v1/customers?q=" + String(repeating: "a", count: 101), "q"), ("/v1/lookup", "phone"),
                                  ("/v1/tasks?due=tomorrow", "due"), ("/v1/calls?cursor=bm9wZQ", "cursor"), ("/v1/customers?q=a%00b", "q")] {
                let answer = try await api.send(path, token: daemon.supervisor.token)
                #expect(answer.status == 400, "\(path): \(answer.body)")
                #expect((try? answer.json()["field"] as? String) == field, "\(path): \(answer.body)")
            }
        }
    }

    @Test("login: a right password gives an expiring token; wrong ones get 401, then 429 with Retry-After; ?token= is refused outside sockets",
          arguments: TestEngine.available)
    func login(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            try await daemon.store.setPassword(userID: daemon.alice.user.id, to: "correct horse", actor: nil,
                                               parameters: .init(log2Rounds: 10))
            let good = try await api.send("/v1/login", method: .POST, body: #"{"name": "王芳", "password": "correct horse"}"#)
            #expect(good.status == 200)
            let token = try #require(try good.json()["token"] as? String)
            #expect(try good.json()["expiresAt"] as? String != nil)
            #expect(!good.body.contains("password"))
            let me = try await api.send("/v1/me", token: token)
            let myName = try me.json()["name"] as? String
            #expect(me.status == 200 && myName == "王芳")
            #expect(try await api.send("/v1/me?token=\(token)").status == 401)

            let wrong = try await api.send("/v1/login", method: .POST, body: #"{"name": "王芳", "password": "wrong"}"#)
            #expect(wrong.status == 401)
            #expect(wrong.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
            let unknownName = try await api.send("/v1/login", method: .POST, body: #"{"name": "nobody", "password": "wrong"}"#)
            #expect(unknownName.status == 401 && unknownName.body == wrong.body)
            var last = wrong
            for _ in 0..<6 { last = try await api.send("/v1/login", method: .POST, body: #"{"name": "王芳", "password": "guess"}"#) }
            #expect(last.status == 429)
            #expect(Int(last.headers.first(name: "Retry-After") ?? "") ?? 0 > 0)
            // Throttled even with the right password until the wait is over.
            #expect(try await api.send("/v1/login", method: .POST, body: #"{"name": "王芳", "password": "correct horse"}"#).status == 429)
            // Tokens are listed without their values, and a revoked one stops working at once.
            let tokens = try await daemon.store.tokens(userID: daemon.alice.user.id)
            #expect(tokens.map(\.label).sorted() == ["cli", "login"])
            let issued = try #require(tokens.first { $0.label == "login" })
            try await daemon.store.revokeToken(id: issued.id, userID: daemon.alice.user.id, actor: daemon.admin.id)
            // Revoked elsewhere (here: in the store, as the CLI does), it stops working within the token cache's 2 s.
            try await daemon.waitUntil("revoked token refused", timeout: .seconds(3)) { try await api.send("/v1/me", token: token).status == 401 }
            #expect(try await daemon.store.auditTrail(entity: "api_token", id: issued.id).map(\.action) == ["issue", "revoke"], "a login issues a token (audited, never its value), an admin revokes it")
        }
    }

    @Test("a token past its lifetime is refused", arguments: TestEngine.available)
    func expiredToken(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let (user, _) = try await store.addUser(name: "王芳", role: .agent)
            let (token, info) = try await store.issueToken(userID: user.id, label: "login", lifetime: .seconds(60))
            #expect(try await store.user(forToken: token) == user)
            #expect(try await store.user(forToken: token, now: try #require(info.expiresAt).addingTimeInterval(1)) == nil)
        }
    }
}
