import CRM
import Foundation
@testable import HTTPAPI
import Hummingbird
import Logging
import NIOCore
@_spi(Generated) import OpenAPIRuntime
import ServiceLifecycle
import Testing
import TestSupport
import Workflows

/// `GET /v1/lookup` served by `LookupFastPath` answers exactly as the generated handler does.
@Suite("The lookup's fast path")
struct LookupFastPathTests {
    /// Two servers on one store: the fast path on (first port) and off (second port).
    static func withServers(_ engine: TestEngine, _ body: (CRMStore, Int, Int) async throws -> Void) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            var logger = Logger(label: "calldesk.test.http")
            logger.logLevel = .critical
            let (ports, reported) = AsyncStream.makeStream(of: (Bool, Int).self)
            let servers = try [true, false].map { fast in
                var configuration = APIServer.Configuration(host: "127.0.0.1", port: 0)
                configuration.fastLookup = fast
                return try APIServer(configuration: configuration, store: store, hub: LiveHub(), health: { HealthReport(pbx: [:], database: "ok") },
                                     logger: logger, onRunning: { reported.yield((fast, $0)) })
            }
            let group = ServiceGroup(configuration: .init(services: servers, logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                var bound: [Bool: Int] = [:]
                for await (fast, port) in ports {
                    bound[fast] = port
                    if bound.count == 2 { break }
                }
                do {
                    try await body(store, try #require(bound[true]), try #require(bound[false]))
                } catch {
                    await group.triggerGracefulShutdown()
                    throw error
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    @Test("every role, number form, Accept header and malformed query gets the same status, headers and bytes both ways",
          arguments: TestEngine.available)
    func sameAnswers(_ engine: TestEngine) async throws {
        try await Self.withServers(engine) { store, fastPort, slowPort in
            let agent = try await store.addUser(name: "王芳", role: .agent, extension: "1001", team: "hotline")
            let other = try await store.addUser(name: "赵强", role: .agent, extension: "1002", team: "hotline")
            let supervisor = try await store.addUser(name: "主管", role: .supervisor, team: "hotline")
            let admin = try await store.addUser(name: "管理员", role: .admin)
            let family = store.normalizer.normalize("13800138000").phoneNumber!
            let office = store.normalizer.normalize("021-6552 8888").phoneNumber!
            _ = try await store.createCustomer(NewCustomer(name: #"李"雷" \ 家/父"#, ownerID: agent.user.id, phones: [("13800138000", family)], grade: .a))
            _ = try await store.createCustomer(NewCustomer(name: "李梅", ownerID: other.user.id, phones: [("138 0013 8000", family), ("021-6552 8888", office)]))
            _ = try await store.createCustomer(NewCustomer(name: "车行", kind: .company, ownerID: nil, phones: [("021-6552 8888", office)], grade: .c))
            let queries = ["phone=13800138000", "phone=%2B8613800138000", "phone=+8613800138000", "phone=138%200013%208000",
                           "phone=021-6552%208888", "phone=(021)65528888", "phone=13900000000", "phone=abc", "phone=%E4%B8%AD",
                           "phone=13800138000&phone=021-65528888", "phone=", "phone=%20", "", "phone=a%00b", "phone=%ZZ",
                           "phone=" + String(repeating: "1", count: 41), "phone=13800138000#frag", "other=1&phone=13800138000",
                           "phone=a,b", "phone=1;2", "phone=%E4%B8", "phone=%e4%b8%ad", "phone=%2", "phone=138%2B0013", "phone=~(x)*._-"]
            let accepts: [String?] = [nil, "application/json", "*/*", "application/*", "text/html", "application/json;q=0.1, text/plain"]
            let fast = APIClient(port: fastPort)
            let slow = APIClient(port: slowPort)
            var compared = 0
            for token in [agent.token, supervisor.token, admin.token, "not-a-token"] {
                for query in queries {
                    for accept in accepts {
                        let path = "/v1/lookup" + (query.isEmpty ? "" : "?" + query)
                        let headers = accept.map { [("Accept", $0)] } ?? []
                        let a = try await fast.send(path, token: token, headers: headers)
                        let b = try await slow.send(path, token: token, headers: headers)
                        let what = "\(path) Accept: \(accept ?? "-")"
                        #expect(a.status == b.status, "\(what): \(a.status) ≠ \(b.status)")
                        #expect(a.body == b.body, "\(what): \(a.body) ≠ \(b.body)")
                        for name in ["Content-Type", "Content-Length", "WWW-Authenticate"] {
                            #expect(a.headers[name] == b.headers[name], "\(what): \(name) \(a.headers[name]) ≠ \(b.headers[name])")
                        }
                        compared += 1
                    }
                }
            }
            // The comparison saw answers of every kind, not only refusals.
            let found = try await fast.send("/v1/lookup?phone=13800138000", token: supervisor.token)
            #expect(found.status == 200)
            #expect(try (found.json()["customers"] as? [Any])?.count == 2)
            #expect(try await fast.send("/v1/lookup?phone=13800138000", token: agent.token).body.contains("138****8000"))
            #expect(try await fast.send("/v1/lookup?phone=abc", token: agent.token).status == 200)
            #expect(try await fast.send("/v1/lookup?phone=", token: agent.token).status == 400)
            #expect(compared == 4 * queries.count * accepts.count)
        }
    }

    @Test("the fast path takes a plain lookup and leaves an Accept without JSON, an undecodable phone or one the document's rules refuse to the generated handler")
    func whatItTakes() throws {
        let converter = Converter(configuration: .init())
        let rules = try OpenAPIDocument.load().parameterRules(prefix: "/v1")
        func request(_ target: String, accept: String? = nil) -> Request {
            var head = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: target)
            if let accept { head.headerFields[.accept] = accept }
            return Request(head: head, body: .init(buffer: ByteBuffer()))
        }
        #expect(LookupFastPath.phone(in: request("/v1/lookup?phone=%2B8613800138000"), converter: converter, rules: rules) == "+8613800138000")
        #expect(LookupFastPath.phone(in: request("/v1/lookup?phone=+8613800138000"), converter: converter, rules: rules) == " 8613800138000")
        #expect(LookupFastPath.phone(in: request("/v1/lookup?phone=13800138000", accept: "application/json"), converter: converter, rules: rules) == "13800138000")
        #expect(LookupFastPath.phone(in: request("/v1/lookup?phone=13800138000", accept: "text/html"), converter: converter, rules: rules) == nil)
        #expect(LookupFastPath.phone(in: request("/v1/lookup?other=1"), converter: converter, rules: rules) == nil)
        #expect(LookupFastPath.phone(in: request("/v1/lookup?phone=1&phone=2"), converter: converter, rules: rules) == nil)
        #expect(LookupFastPath.phone(in: request("/v1/lookup?phone=%E4%B8%AD"), converter: converter, rules: rules) == "中")
        #expect(LookupFastPath.phone(in: request("/v1/lookup?phone=%E4%B8"), converter: converter, rules: rules) == nil)
        let longest = String(repeating: "1", count: 40)
        #expect(LookupFastPath.phone(in: request("/v1/lookup?phone=" + longest), converter: converter, rules: rules) == longest)
        #expect(LookupFastPath.phone(in: request("/v1/lookup?phone=1" + longest), converter: converter, rules: rules) == nil)
        #expect(LookupFastPath.phone(in: request("/v1/lookup?phone=138%0013800"), converter: converter, rules: rules) == nil)
        #expect(LookupFastPath.phone(in: request("/v1/lookup?phone="), converter: converter, rules: rules) == nil)
    }
}
