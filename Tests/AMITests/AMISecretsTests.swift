import AMI
import Foundation
import Logging
import NIOConcurrencyHelpers
import PBXSimulator
import Testing

@Suite("AMI secrets stay out of logs")
struct AMISecretsTests {
    @Test("at trace level, neither the plain secret nor the MD5 key appears in any log line", arguments: [
        ("set-a/ami-01-login-plain", AMIClientConfiguration.AuthType.plain), ("set-a/ami-01-login-md5", .md5),
    ])
    func noSecretInLogs(_ capture: String, _ auth: AMIClientConfiguration.AuthType) async throws {
        let recorder = LogRecorder()
        var logger = Logger(label: "secrets") { _ in recorder }
        logger.logLevel = .trace
        let server = try await AMIReplayServer.start(capture: ReplayHarness.capture(capture), logger: ReplayHarness.logger)
        var configuration = ReplayHarness.configuration(port: server.port, authType: auth)
        configuration.eventMask = "off"
        let client = AMIClient(configuration: configuration, logger: logger)
        let events = client.events()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            _ = try await events.first { $0.isConnected }
            group.cancelAll()
        }
        await server.close()
        let lines = recorder.lines
        #expect(lines.contains { $0.contains("AMI logged in") && $0.contains("crmd") })
        #expect(!lines.contains { $0.contains("crmd-secret") || $0.contains("d8086ef23cd4bbdae34f84bc907d0ca3") })
    }
}

/// A log handler that keeps every line it is given, with metadata.
final class LogRecorder: LogHandler, @unchecked Sendable {
    private let storage = NIOLockedValueBox<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    var lines: [String] { storage.withLockedValue { $0 } }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        storage.withLockedValue { $0.append("\(event.level) \(event.message) \(all)\(event.error.map { " \($0)" } ?? "")") }
    }
}
