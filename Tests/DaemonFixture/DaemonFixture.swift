import AMI
import App
import CRM
import Foundation
import Logging
import NIOPosix
import PBXSimulator
import Prometheus
import Workflows

/// A CallDesk daemon (AMI client, call log, live hub, HTTP API on a free loopback port) against a
/// simulated PBX: the one set-up the tests and the benchmarks share.
public struct DaemonFixture: Sendable {
    public let pbx: SimulatedPBX
    public let server: SimulatedAMIServer
    public let daemon: CallDeskDaemon
    public let httpPort: Int

    public var ami: AMIClient { daemon.amiClients[0] }
    public var hub: LiveHub { daemon.hub }

    /// Starts the simulator and the daemon on `store`, waits until the AMI link is up, runs `body`,
    /// then stops both (the daemon gracefully: the call log writes what it holds).
    public static func run<T: Sendable>(store: CRMStore, simulator: SimulatorConfiguration, callLog: CallLogConfiguration = CallLogConfiguration(),
                                        monitor: MonitorConfiguration = MonitorConfiguration(),
                                        reconnectDelay: Duration = .milliseconds(50), logger: Logger,
                                        _ body: @Sendable (DaemonFixture) async throws -> T) async throws -> T {
        let pbx = SimulatedPBX(configuration: simulator, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let server = try await SimulatedAMIServer.start(pbx: pbx, port: 0, logger: logger)
        let link = AMIClientConfiguration(host: "127.0.0.1", port: server.port, username: "crmd", secret: "crmd-secret",
                                          reconnectBaseDelay: reconnectDelay, reconnectMaxDelay: reconnectDelay * 4)
        let result: T
        do {
            result = try await CallDeskDaemon.run(store: store, pbxes: [link], callLog: callLog, monitor: monitor, logger: logger) { daemon, port in
                let fixture = DaemonFixture(pbx: pbx, server: server, daemon: daemon, httpPort: port)
                let deadline = ContinuousClock.now + .seconds(10)
                while await !fixture.ami.isConnected {
                    guard ContinuousClock.now < deadline else { throw FixtureError(message: "the AMI link to the simulator did not come up in 10 s") }
                    try await Task.sleep(for: .milliseconds(20))
                }
                return try await body(fixture)
            }
        } catch {
            await server.close()
            throw error
        }
        await server.close()
        return result
    }

    /// The daemon's own figures (as `/metrics` shows them) whose line starts with `name`.
    public func metricLines(_ name: String) -> [String] {
        var bytes: [UInt8] = []
        daemon.metrics.emit(into: &bytes)
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init).filter { $0.hasPrefix(name) }
    }
}

/// The fixture could not be set up.
public struct FixtureError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
