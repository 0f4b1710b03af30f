import ARI
import Foundation
import Logging
import PBXSimulator
import TestSupport
import Testing

@Suite("ARI event WebSocket client")
struct ARIEventClientTests {
    static let logger: Logger = {
        var logger = Logger(label: "calldesk.test.ari")
        logger.logLevel = ProcessInfo.processInfo.environment["CALLDESK_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }()

    static func configuration(port: Int, password: String = "crmd-secret") -> ARIEventConfiguration {
        ARIEventConfiguration(baseURL: "http://127.0.0.1:\(port)", username: "crmd", password: password, applications: ["crmd"],
                              reconnectBaseDelay: .milliseconds(20), reconnectMaxDelay: .milliseconds(100),
                              authFailureDelay: .milliseconds(100), keepaliveInterval: .milliseconds(500))
    }

    /// Runs a client against `port`, hands `body` its stream, then stops it.
    static func withClient<T: Sendable>(_ configuration: ARIEventConfiguration,
                                        _ body: (AsyncStream<ARIStreamElement>.AsyncIterator) async throws -> T) async throws -> T {
        let client = ARIEventClient(configuration: configuration, logger: logger)
        let stream = client.events()
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await client.run() }
            defer { tasks.cancelAll() }
            return try await body(stream.makeAsyncIterator())
        }
    }

    /// Replays `sessions` of recorded messages, one per connection.
    static func withReplay<T: Sendable>(_ sessions: [ARIEventReplayServer.Session], _ body: (Int) async throws -> T) async throws -> T {
        try await withRunningService({ ARIEventReplayServer(sessions: sessions, logger: logger, onRunning: $0) }, body)
    }

    @Test("a real Asterisk's event stream arrives typed and in order")
    func replayedCapture() async throws {
        let recorded = ARIFixtures.messages("set-b/ari-02b-bridge.events.jsonl")
        try await Self.withReplay([.init(messages: recorded, closes: false)]) { port in
            try await Self.withClient(Self.configuration(port: port)) { elements in
                var elements = elements
                guard case .connected(1)? = await elements.next() else { throw HarnessFailure("expected the first connection") }
                var received: [ARIEvent] = []
                while received.count < recorded.count, let element = await elements.next() {
                    if let event = element.event { received.append(event) }
                }
                #expect(received == (try recorded.map(ARIEvent.decode)))
                let starts = received.compactMap { event -> [String]? in
                    if case .stasisStart(_, let args) = event.payload { args } else { nil }
                }
                #expect(starts == [["customer"], ["agent"]])
            }
        }
    }

    @Test("a message that is not ARI JSON is reported and skipped; the stream goes on")
    func undecodable() async throws {
        let recorded = ARIFixtures.messages("set-b/ari-03-stasis-inbound.events.jsonl")
        let messages = [recorded[0], "{\"type\": 42}", "not json at all", recorded[1]]
        try await Self.withReplay([.init(messages: messages, closes: false)]) { port in
            try await Self.withClient(Self.configuration(port: port)) { elements in
                var elements = elements
                var kinds: [String] = []
                while kinds.count < 5, let element = await elements.next() {
                    switch element {
                    case .connected: kinds.append("connected")
                    case .event(let event): kinds.append(event.type)
                    case .undecodable(let error):
                        kinds.append("undecodable")
                        #expect(!error.description.isEmpty)
                    default: kinds.append("\(element)")
                    }
                }
                #expect(kinds == ["connected", "StasisStart", "undecodable", "undecodable", "ChannelStateChange"])
            }
        }
    }

    @Test("a socket Asterisk closes is reopened with backoff; each connection is a new generation")
    func reconnects() async throws {
        let recorded = ARIFixtures.messages("set-b/ari-03-stasis-inbound.events.jsonl")
        // The first socket closes at once (with nothing to lose: see ARIEventReplayServer); the second stays.
        let sessions: [ARIEventReplayServer.Session] = [.init(messages: [], closes: true),
                                                        .init(messages: [recorded[1]], closes: false)]
        try await Self.withReplay(sessions) { port in
            try await Self.withClient(Self.configuration(port: port)) { elements in
                var elements = elements
                var seen: [String] = []
                while seen.count < 4, let element = await elements.next() {
                    switch element {
                    case .connected(let generation): seen.append("connected \(generation)")
                    case .event(let event): seen.append(event.type)
                    case .disconnected: seen.append("disconnected")
                    default: seen.append("\(element)")
                    }
                }
                #expect(seen == ["connected 1", "disconnected", "connected 2", "ChannelStateChange"])
            }
        }
    }

    @Test("a wrong password fails with Asterisk's 401 message, never shows the password, and is retried")
    func wrongPassword() async throws {
        try await Self.withReplay([.init(messages: [], closes: false)]) { port in
            try await Self.withClient(Self.configuration(port: port, password: "wrong-password")) { elements in
                var elements = elements
                for _ in 0..<2 {
                    guard case .connectionFailed(let error)? = await elements.next() else { throw HarnessFailure("expected a refusal") }
                    #expect(error.kind == .unauthorized)
                    #expect(error.message == "Authentication required")
                    #expect(!"\(error)".contains("wrong-password"))
                }
            }
        }
    }

    @Test("nothing listening: a transport failure, then retries")
    func refused() async throws {
        try await Self.withClient(Self.configuration(port: 1)) { elements in
            var elements = elements
            guard case .connectionFailed(let error)? = await elements.next() else { throw HarnessFailure("expected a failure") }
            #expect(error.kind == .transport)
            guard case .connectionFailed? = await elements.next() else { throw HarnessFailure("expected a retry") }
        }
    }
}
