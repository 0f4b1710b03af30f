@testable import calldesk
import AMI
import App
import Foundation
import Logging
import NIOPosix
import PBXSimulator
import Testing

@Suite("calldesk doctor")
struct AMIDoctorTests {
    static func capture(_ name: String) throws -> AMICapture {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("AMITests/Fixtures")
        return AMICapture(server: Array(try Data(contentsOf: root.appendingPathComponent("\(name).server.txt"))),
                          client: Array(try Data(contentsOf: root.appendingPathComponent("\(name).client.txt"))))
    }

    static var logger: Logger {
        var logger = Logger(label: "doctor.test")
        logger.logLevel = .critical
        return logger
    }

    static func configuration(port: Int, secret: String = "crmd-secret") -> AMIClientConfiguration {
        AMIClientConfiguration(pbx: "hq", port: port, username: "crmd", secret: secret, authType: .plain)
    }

    @Test("reports version, permitted actions and queues from a real Asterisk session")
    func healthy() async throws {
        let server = try await AMIReplayServer.start(capture: try Self.capture("set-b/ami-05a-status-idle"), logger: Self.logger)
        let report = await AMIDoctor(configuration: Self.configuration(port: server.port), logger: Self.logger).run()
        await server.close()
        #expect(report.failure == nil)
        #expect(report.asteriskVersion == "GIT-master-f0c1c1a7b7")
        #expect(report.amiVersion == "13.0.0")
        #expect(report.requiredActions.first { $0.action == "Originate" }?.permitted == true)
        let hotline = try #require(report.queues.first { $0.name == "hotline" })
        #expect(!hotline.members.isEmpty)
        #expect(hotline.members.allSatisfy { $0.interface.contains("/") })
    }

    @Test("a refused connection names host and port")
    func refused() async {
        let report = await AMIDoctor(configuration: Self.configuration(port: 1), timeout: .seconds(5), logger: Self.logger).run()
        #expect(report.failure?.contains("cannot connect to AMI at 127.0.0.1:1") == true)
    }

    @Test("a wrong secret says the login was refused, without the secret")
    func authFailed() async throws {
        let server = try await AMIReplayServer.start(capture: try Self.capture("set-a/ami-01-login-bad-secret"), logger: Self.logger)
        let report = await AMIDoctor(configuration: Self.configuration(port: server.port, secret: "not-the-secret"), logger: Self.logger).run()
        await server.close()
        #expect(report.failure?.contains("login as 'crmd' refused") == true)
        #expect(report.failure?.contains("not-the-secret") == false)
    }

    @Test("a silent peer times out")
    func timeout() async throws {
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let report = await AMIDoctor(configuration: Self.configuration(port: silent.localAddress!.port!), timeout: .milliseconds(500),
                                     logger: Self.logger).run()
        try await silent.close()
        #expect(report.failure?.hasPrefix("timeout") == true)
    }

    @Test("a peer that is not Asterisk is named as such")
    func notAsterisk() async throws {
        let other = try await AMIReplayServer.start(capture: AMICapture(server: Array("SSH-2.0-OpenSSH_9.2\r\n".utf8), client: []), logger: Self.logger)
        let report = await AMIDoctor(configuration: Self.configuration(port: other.port), logger: Self.logger).run()
        await other.close()
        #expect(report.failure?.contains("not an Asterisk manager") == true)
    }
}
