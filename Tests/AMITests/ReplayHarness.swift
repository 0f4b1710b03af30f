import AMI
import Foundation
import Logging
import Metrics
import PBXSimulator
import Testing

/// Runs an `AMIClient` against a replay of a real capture on loopback.
enum ReplayHarness {
    static func capture(_ name: String) -> AMICapture {
        AMICapture(server: Fixtures.bytes("\(name).server.txt"), client: Fixtures.bytes("\(name).client.txt"))
    }

    static func configuration(port: Int, secret: String = "crmd-secret", username: String = "crmd",
                              authType: AMIClientConfiguration.AuthType = .plain, eventMask: String = "off") -> AMIClientConfiguration {
        AMIClientConfiguration(pbx: "test-pbx", host: "127.0.0.1", port: port, username: username, secret: secret,
                               authType: authType, eventMask: eventMask, actionTimeout: .seconds(5),
                               reconnectBaseDelay: .milliseconds(20), reconnectMaxDelay: .milliseconds(200),
                               authFailureDelay: .seconds(60))
    }

    static var logger: Logger {
        var logger = Logger(label: "calldesk.ami.test")
        logger.logLevel = .critical
        return logger
    }

    /// Starts a replay server and a client, gives both to `body`, then stops both.
    @discardableResult
    static func run<T: Sendable>(
        _ captureName: String, hangUpOn: String? = nil,
        configure: (inout AMIClientConfiguration) -> Void = { _ in },
        metrics: any MetricsFactory = NOOPMetricsHandler.instance,
        _ body: @escaping @Sendable (AMIClient, AMIReplayServer, AsyncStream<AMIStreamElement>) async throws -> T
    ) async throws -> T {
        let server = try await AMIReplayServer.start(capture: capture(captureName), hangUpOn: hangUpOn, logger: logger)
        var configuration = configuration(port: server.port)
        configure(&configuration)
        let client = AMIClient(configuration: configuration, logger: logger, metrics: metrics)
        let events = client.events()
        let result = try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await client.run(); return nil }
            group.addTask { try await body(client, server, events) }
            var result: T?
            while let value = try await group.next() {
                if let value { result = value; group.cancelAll() }
            }
            return result!
        }
        await server.close()
        return result
    }
}

extension AsyncStream<AMIStreamElement> {
    /// The first element satisfying `predicate`, failing after `seconds`.
    func first(within seconds: Double = 5, where predicate: @escaping @Sendable (AMIStreamElement) -> Bool) async throws -> AMIStreamElement {
        try await withThrowingTaskGroup(of: AMIStreamElement?.self) { group in
            group.addTask {
                for await element in self where predicate(element) { return element }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let first else { throw TimedOut() }
            return first
        }
    }
}

struct TimedOut: Error {}

extension AMIStreamElement {
    var isConnected: Bool { if case .connected = self { true } else { false } }
    var generation: Int? { if case .connected(_, let generation) = self { generation } else { nil } }
    var event: AMIEvent? { if case .event(let event) = self { event } else { nil } }
}
