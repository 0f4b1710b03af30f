import AsyncHTTPClient
import CRM
import Foundation
import NIOCore
import NIOHTTP1
import PBXSimulator
import TestSupport
import Testing

@Suite("HTTP API: tokens, parameters, access", .timeLimit(.minutes(2)))
struct APITests {
    struct Reply {
        let status: Int
        let body: String
    }

    static func request(_ daemon: DaemonHarness, _ path: String, token: String?, method: HTTPMethod = .GET, body: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(daemon.httpPort)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Reply(status: Int(response.status.code), body: String(buffer: bytes))
    }

    static func oneAnsweredCall(_ daemon: DaemonHarness) async throws -> StoredCall {
        daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
        return try #require(try await daemon.endedCalls(1).first)
    }

    static var simulator: SimulatorConfiguration {
        var configuration = SimulatorConfiguration.callCenter(agents: 1)
        configuration.defaultAgent = .answers(after: 0.1, talk: 0.1)
        configuration.timeScale = 1
        return configuration
    }

    @Test("health is open; the API refuses a missing or wrong token with 401 and says how to send one", arguments: [TestEngine.sqlite])
    func tokens(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: Self.simulator) { daemon in
            let health = try await Self.request(daemon, "/health", token: nil)
            #expect(health.status == 200 && health.body.contains("\"main\":\"connected\"") && health.body.contains("\"status\":\"ok\""))
            let missing = try await Self.request(daemon, "/v1/calls", token: nil)
            #expect(missing.status == 401 && missing.body.contains("Authorization: Bearer"))
            let wrong = try await Self.request(daemon, "/v1/calls", token: "cdk_not-a-token")
            #expect(wrong.status == 401)
            let me = try await Self.request(daemon, "/v1/me", token: daemon.alice.token)
            #expect(me.status == 200 && me.body.contains("王芳") && !me.body.contains(daemon.alice.token))
        }
    }

    @Test("/metrics, open like /health, counts the PBX link, the calls by result and the pops, and shows no secret",
          arguments: [TestEngine.sqlite])
    func metrics(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: Self.simulator) { daemon in
            _ = try await Self.oneAnsweredCall(daemon)
            let reply = try await Self.request(daemon, "/metrics", token: nil)
            #expect(reply.status == 200)
            let lines = try await daemon.metricLines()
            for expected in [
                #"calldesk_ami_connected{pbx="main"} 1.0"#,
                #"calldesk_ami_logins_total{pbx="main"} 1"#,
                #"calldesk_calls_ended_total{pbx="main",direction="inbound",result="answered"} 1"#,
                #"calldesk_calls_ended_total{pbx="main",direction="inbound",result="abandoned"} 0"#,
                #"calldesk_calls_live{pbx="main"} 0.0"#,
                #"calldesk_screen_pops_total{pbx="main"} 1"#,
                #"calldesk_screen_pop_seconds_count{pbx="main"} 1"#,
                #"calldesk_call_log_write_failures_total{pbx="main"} 0"#,
            ] {
                #expect(lines.contains(expected), "missing \(expected)")
            }
            #expect(!reply.body.contains("crmd-secret") && !reply.body.contains(DaemonHarness.knownNumber))
        }
    }

    @Test("wrong parameter types get 400 naming the parameter; unknown ids and others' records alike 404", arguments: TestEngine.available)
    func parametersAndAccess(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: Self.simulator) { daemon in
            let call = try await Self.oneAnsweredCall(daemon)
            for (path, parameter) in [("/v1/calls?limit=abc", "limit"), ("/v1/calls?from=yesterday", "from"), ("/v1/calls?direction=sideways", "direction"),
                                      ("/v1/calls?result=great", "result"), ("/v1/calls/abc", "id"), ("/v1/customers/-3/calls", "id")] {
                let reply = try await Self.request(daemon, path, token: daemon.supervisor.token)
                #expect(reply.status == 400, "\(path)")
                #expect(reply.body.contains("\"error\":\"bad_parameter\"") && reply.body.contains("\(parameter) '"), "\(path): \(reply.body)")
            }
            #expect(try await Self.request(daemon, "/v1/calls/999999", token: daemon.supervisor.token).status == 404)
            #expect(try await Self.request(daemon, "/v1/customers/999999/calls", token: daemon.supervisor.token).status == 404)
            // 李雷 belongs to 王芳 (alice), who took the call; 赵强 (bob) sees neither.
            #expect(try await Self.request(daemon, "/v1/calls/\(call.id)", token: daemon.bob.token).status == 404)
            #expect(try await Self.request(daemon, "/v1/customers/\(daemon.knownCustomer)/calls", token: daemon.bob.token).status == 404)
            let bobsList = try await Self.request(daemon, "/v1/calls", token: daemon.bob.token)
            #expect(bobsList.status == 200 && bobsList.body == #"{"items":[]}"#)
            let alices = try await Self.request(daemon, "/v1/customers/\(daemon.knownCustomer)/calls", token: daemon.alice.token)
            #expect(alices.status == 200 && alices.body.contains("\"linkedId\":\"\(call.linkedID)\""))
            let filtered = try await Self.request(daemon, "/v1/calls?direction=inbound&result=answered&from=2000-01-01", token: daemon.alice.token)
            #expect(filtered.status == 200 && filtered.body.contains("\"id\":\(call.id)"))
        }
    }

    @Test("logging an outcome: a wrong type or a bad grade is refused and nothing is written; a good one links to the call",
          arguments: TestEngine.available)
    func outcome(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: Self.simulator) { daemon in
            let call = try await Self.oneAnsweredCall(daemon)
            let path = "/v1/calls/\(call.id)/outcome"
            let wrongType = try await Self.request(daemon, path, token: daemon.alice.token, method: .POST, body: #"{"outcome": 42}"#)
            #expect(wrongType.status == 400 && wrongType.body.contains("outcome"))
            let notJSON = try await Self.request(daemon, path, token: daemon.alice.token, method: .POST, body: "outcome=ok")
            #expect(notJSON.status == 400)
            let badGrade = try await Self.request(daemon, path, token: daemon.alice.token, method: .POST, body: #"{"outcome": "ok", "grade": "Z"}"#)
            #expect(badGrade.status == 400 && badGrade.body.contains("grade 'Z'"))
            let forbidden = try await Self.request(daemon, path, token: daemon.bob.token, method: .POST, body: #"{"outcome": "ok"}"#)
            #expect(forbidden.status == 404)
            #expect(try await daemon.store.call(id: call.id, visibleTo: daemon.supervisor.user).interactionIDs.isEmpty)
            let good = try await Self.request(daemon, path, token: daemon.alice.token, method: .POST,
                                              body: #"{"outcome": "renewal quoted", "note": "call back Friday", "grade": "B"}"#)
            #expect(good.status == 201 && good.body.contains("interactionId"))
            let stored = try await daemon.store.call(id: call.id, visibleTo: daemon.supervisor.user)
            #expect(stored.interactionIDs.count == 1)
            #expect(try await daemon.store.customerCards(ids: [daemon.knownCustomer]).first?.grade == .b)
        }
    }
}
