import CRM
import Foundation
import SQLKit
import HTTPAPI
import HummingbirdWSClient
import Logging
import ServiceLifecycle
import Testing
import TestSupport
import Workflows

/// The HTTP server under abuse: silent and slow connections, oversized heads, too many sockets,
/// a socket whose token is revoked.
@Suite("HTTP server limits")
struct ServerLimitsTests {
    static func withServer(metrics: APIServer.Configuration.MetricsAccess = .loopback,
                           configure: (inout APIServer.Configuration) -> Void = { _ in },
                           _ body: (CRMStore, Int) async throws -> Void) async throws {
        try await TestDatabase.withStore(.sqlite) { store async throws in
            var configuration = APIServer.Configuration(host: "127.0.0.1", port: 0)
            configuration.metricsAccess = metrics
            // Long enough that a CI machine busy with the whole suite reads an upgrade's head in time (500 ms was not).
            configuration.headerTimeout = .seconds(2)
            configuration.maxSocketsPerUser = 2
            configuration.socketRecheck = .milliseconds(200)
            configure(&configuration)
            let hub = LiveHub()
            var logger = Logger(label: "calldesk.test.http")
            logger.logLevel = .critical
            let (ports, reported) = AsyncStream.makeStream(of: Int.self)
            let server = try APIServer(configuration: configuration, store: store, hub: hub, health: { HealthReport(pbx: [:], database: "ok") },
                                       metrics: { $0 += Array("calldesk_up 1\n".utf8) }, logger: logger, onRunning: { reported.yield($0) })
            let group = ServiceGroup(configuration: .init(services: [server], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                do {
                    try await body(store, port)
                } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    @Test("the bearer scheme is read in any case with blanks around the token; another scheme or an empty token is 401")
    func bearerForms() async throws {
        try await Self.withServer { store, port in
            let (_, token) = try await store.addUser(name: "王芳", role: .agent, extension: "1001")
            let api = APIClient(port: port)
            for value in ["Bearer \(token)", "bearer \(token)", "BEARER   \(token)  ", "BeArEr \(token)\t"] {
                let answer = try await api.send("/v1/me", headers: [("Authorization", value)])
                #expect(answer.status == 200 && answer.body.contains("王芳"), "\(value.replacingOccurrences(of: token, with: "<token>")): \(answer.status)")
            }
            for value in ["Basic \(token)", "Bearer", "Bearer    ", "Bearer\(token)", "Bearer x\(token)"] {
                let answer = try await api.send("/v1/me", headers: [("Authorization", value)])
                #expect(answer.status == 401 && answer.headers.contains(name: "WWW-Authenticate"),
                        "\(value.replacingOccurrences(of: token, with: "<token>")): \(answer.status)")
            }
        }
    }

    @Test("/metrics under http.metrics: token takes a supervisor's or admin's token, not an agent's or none")
    func metricsByToken() async throws {
        try await Self.withServer(metrics: .token) { store, port in
            let agent = try await store.addUser(name: "坐席", role: .agent).token
            let supervisor = try await store.addUser(name: "主管", role: .supervisor).token
            let api = APIClient(port: port)
            #expect(try await api.send("/metrics").status == 401)
            #expect(try await api.send("/metrics", token: agent).status == 401)
            let read = try await api.send("/metrics", token: supervisor)
            #expect(read.status == 200 && read.body.contains("calldesk_up 1"))
        }
    }

    @Test("a connection that sends nothing, or dribbles its headers, is closed after the header timeout")
    func silentAndSlow() async throws {
        try await Self.withServer { _, port in
            let silent = try RawSocket(port: port)
            #expect(try await offCooperativePool { silent.closesWithin(seconds: 8) })
            let slow = try RawSocket(port: port)
            try slow.send("GET /health HTTP/1.1\r\nHost: x\r\n")
            #expect(try await offCooperativePool { slow.closesWithin(seconds: 8) })
            // A whole request is answered, and the connection then waits for the next one only as long.
            let good = try RawSocket(port: port)
            try good.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await offCooperativePool { try good.receive() }.hasPrefix("HTTP/1.1 200"))
            #expect(try await offCooperativePool { good.closesWithin(seconds: 8) })
        }
    }

    @Test("a connection that asks again within the header timeout each time stays open well past it, and is closed once it falls silent")
    func keptBusy() async throws {
        try await Self.withServer { _, port in
            let socket = try RawSocket(port: port)
            // Four requests 1.2 s apart: 3.6 s, longer than the 2 s timeout, which counts from each answer.
            for _ in 0..<4 {
                try socket.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try await offCooperativePool { try socket.receive() }.hasPrefix("HTTP/1.1 200"))
                try await Task.sleep(for: .milliseconds(1_200))
            }
            #expect(try await offCooperativePool { socket.closesWithin(seconds: 8) })
        }
    }

    @Test("a request head over the limit is answered 431")
    func oversizedHead() async throws {
        try await Self.withServer { _, port in
            let socket = try RawSocket(port: port)
            try socket.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Filler: " + String(repeating: "a", count: 40_000) + "\r\n\r\n")
            let answer = (try? await offCooperativePool { try socket.receive() }) ?? ""
            #expect(answer.hasPrefix("HTTP/1.1 431"), "\(answer.prefix(200))")
        }
    }

    static func upgrade(_ port: Int, token: String?, path: String = "/v1/agents/me/events", extra: String = "") async throws -> (RawSocket, String) {
        let socket = try RawSocket(port: port)
        let query = token.map { "?token=\($0)" } ?? ""
        try socket.send("GET \(path)\(query) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + extra
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        return (socket, try await offCooperativePool { try socket.receive() })
    }

    @Test("one user holds a bounded number of event sockets; the next upgrade is refused with a JSON 429")
    func socketCap() async throws {
        try await Self.withServer { store, port in
            let (_, token) = try await store.addUser(name: "王芳", role: .agent, extension: "1001")
            let first = try await Self.upgrade(port, token: token)
            let second = try await Self.upgrade(port, token: token)
            #expect(first.1.hasPrefix("HTTP/1.1 101") && second.1.hasPrefix("HTTP/1.1 101"), "\(first.1) \(second.1)")
            // The refused upgrade itself says why, in JSON (hummingbird-websocket alone writes a bare 400);
            // the same URL without the upgrade headers says the same.
            let third = try await Self.upgrade(port, token: token)
            #expect(third.1.hasPrefix("HTTP/1.1 429") && third.1.contains(#""error":"too_many_sockets""#), "\(third.1)")
            let why = try await APIClient(port: port).send("/v1/agents/me/events?token=\(token)")
            #expect(why.status == 429 && why.body.contains(#""error":"too_many_sockets""#), "\(why.body)")
            first.0.reset()
            // The reset frees its slot as soon as the server sees it (a loaded CI machine took over 300 ms).
            var fourth = try await Self.upgrade(port, token: token)
            let deadline = ContinuousClock.now + .seconds(5)
            while !fourth.1.hasPrefix("HTTP/1.1 101"), ContinuousClock.now < deadline {
                fourth.0.reset()
                try await Task.sleep(for: .milliseconds(100))
                fourth = try await Self.upgrade(port, token: token)
            }
            #expect(fourth.1.hasPrefix("HTTP/1.1 101"), "\(fourth.1)")
            fourth.0.reset()
            let refused = try await Self.upgrade(port, token: "cdk_nope")
            #expect(refused.1.hasPrefix("HTTP/1.1 401") && refused.1.contains(#""error":"unauthorized""#)
                && refused.1.lowercased().contains("www-authenticate: bearer"), "\(refused.1)")
            let unauthorized = try await APIClient(port: port).send("/v1/agents/me/events?token=cdk_nope")
            #expect(unauthorized.status == 401 && unauthorized.body.contains(#""error":"unauthorized""#))
            second.0.reset()
            third.0.reset()
        }
    }

    @Test("a refused upgrade answers in JSON with its reason: 404 for an agent out of reach or a path with no socket, 403 from another site's page")
    func refusedUpgradesSayWhy() async throws {
        try await Self.withServer { store, port in
            let (_, token) = try await store.addUser(name: "王芳", role: .agent, extension: "1001")
            _ = try await store.addUser(name: "赵强", role: .agent, extension: "1002")
            let other = try await Self.upgrade(port, token: token, path: "/v1/agents/1002/events")
            #expect(other.1.hasPrefix("HTTP/1.1 404") && other.1.contains(#""error":"not_found""#), "\(other.1)")
            let missing = try await Self.upgrade(port, token: token, path: "/v1/agents/4711/events")
            // Out of reach and missing answer alike, so nothing tells which extensions exist.
            #expect(Self.body(of: missing.1) == Self.body(of: other.1).replacingOccurrences(of: "1002", with: "4711"), "\(missing.1)")
            let session = token
            let plain = try await Self.upgrade(port, token: nil, path: "/v1/me", extra: "Cookie: calldesk_session=\(session)\r\n")
            #expect(plain.1.hasPrefix("HTTP/1.1 404") && plain.1.contains("no WebSocket at /v1/me"), "\(plain.1)")
            let crossSite = try await Self.upgrade(port, token: nil, path: "/v1/live",
                                                   extra: "Cookie: calldesk_session=\(session)\r\nOrigin: https://evil.example\r\n")
            #expect(crossSite.1.hasPrefix("HTTP/1.1 403") && crossSite.1.contains(#""error":"cross_site""#), "\(crossSite.1)")
            // The same cookie from CallDesk's own page upgrades.
            let own = try await Self.upgrade(port, token: nil, path: "/v1/live", extra: "Cookie: calldesk_session=\(session)\r\nOrigin: http://127.0.0.1\r\n")
            #expect(own.1.hasPrefix("HTTP/1.1 101"), "\(own.1)")
            for socket in [other.0, missing.0, plain.0, crossSite.0, own.0] { socket.reset() }
        }
    }

    static func body(of answer: String) -> String {
        answer.components(separatedBy: "\r\n\r\n").dropFirst().joined()
    }

    @Test("revoking a token or disabling its user closes that user's open socket")
    func revokedSocketCloses() async throws {
        try await Self.withServer { store, port in
            let (user, token) = try await store.addUser(name: "王芳", role: .agent, extension: "1001")
            let (_, bystanderToken) = try await store.addUser(name: "李娜", role: .agent, extension: "1003")
            let (socket, answer) = try await Self.upgrade(port, token: token)
            let (bystander, bystanderAnswer) = try await Self.upgrade(port, token: bystanderToken)
            #expect(answer.hasPrefix("HTTP/1.1 101") && bystanderAnswer.hasPrefix("HTTP/1.1 101"))
            let id = try #require(try await store.tokens(userID: user.id).first?.id)
            try await store.revokeToken(id: id, userID: user.id, actor: nil)
            #expect(try await offCooperativePool { socket.closesWithin(seconds: 8) })
            // Another user's socket, checked in the same rounds, stays open (several rounds of 200 ms).
            #expect(try await offCooperativePool { !bystander.closesWithin(seconds: 1) })

            let (other, otherToken) = try await store.addUser(name: "赵强", role: .agent, extension: "1002")
            let (second, secondAnswer) = try await Self.upgrade(port, token: otherToken)
            #expect(secondAnswer.hasPrefix("HTTP/1.1 101"))
            try await store.database.withConnection { sql in
                try await sql.update("users").set("disabled_at", to: Date()).where("id", .equal, other.id).run()
            }
            #expect(try await offCooperativePool { second.closesWithin(seconds: 8) })
            bystander.reset()
        }
    }
}
