import AMI
import Foundation
import Logging
import PBXSimulator
import TestSupport
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

    @Test("a link's settings print without the secret")
    func configurationDescription() {
        let configuration = AMIClientConfiguration(host: "10.0.0.5", username: "crmd", secret: "s3cr#t/?@x")
        #expect(!"\(configuration)".contains("s3cr") && "\(configuration)".contains("crmd@10.0.0.5:5038"))
    }
}
