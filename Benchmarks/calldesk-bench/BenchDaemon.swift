import AMI
import App
import CRM
import Workflows
import Foundation
import HTTPAPI
import Logging
import NIOPosix
import PBXSimulator
import Prometheus
import ServiceLifecycle

/// The daemon's parts (AMI client, call log, HTTP API) against a simulated PBX on loopback.
struct BenchDaemon: Sendable {
    let pbx: SimulatedPBX
    let server: SimulatedAMIServer
    let ami: AMIClient
    let hub: LiveHub
    let httpPort: Int
    let metrics: PrometheusCollectorRegistry

    static func run(store: CRMStore, simulator: SimulatorConfiguration, _ body: @Sendable (BenchDaemon) async throws -> Void) async throws {
        let logger = BenchDatabase.logger
        let pbx = SimulatedPBX(configuration: simulator, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let server = try await SimulatedAMIServer.start(pbx: pbx, port: 0, logger: logger)
        let link = AMIClientConfiguration(host: "127.0.0.1", port: server.port, username: "crmd", secret: "crmd-secret",
                                          reconnectBaseDelay: .milliseconds(100), reconnectMaxDelay: .milliseconds(400))
        do {
            try await CallDeskDaemon.run(store: store, pbxes: [link], logger: logger) { daemon, port in
                let ami = daemon.amiClients[0]
                while await !ami.isConnected { try await Task.sleep(for: .milliseconds(20)) }
                try await body(BenchDaemon(pbx: pbx, server: server, ami: ami, hub: daemon.hub, httpPort: port, metrics: daemon.metrics))
            }
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }

    /// The daemon's own figures (as `/metrics` shows them) whose line starts with `name`.
    func metricLines(_ name: String) -> [String] {
        var bytes: [UInt8] = []
        metrics.emit(into: &bytes)
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init).filter { $0.hasPrefix(name) }
    }

    /// Anonymous resident memory of this process in MB (heap and stacks: what a leak grows; Linux
    /// `/proc/self/status` RssAnon). File-backed pages such as SQLite's are left out.
    static func residentMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return kilobytes / 1024
    }
}
