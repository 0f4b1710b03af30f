import AMI
import CRM
import CallCenter
import Foundation
import HTTPAPI
import Logging
import NIOPosix
import PBXSimulator
import ServiceLifecycle

/// The daemon's parts (AMI client, call log, HTTP API) against a simulated PBX on loopback.
struct BenchDaemon: Sendable {
    let pbx: SimulatedPBX
    let server: SimulatedAMIServer
    let ami: AMIClient
    let hub: PopHub
    let httpPort: Int

    static func run(store: CRMStore, simulator: SimulatorConfiguration, _ body: (BenchDaemon) async throws -> Void) async throws {
        let logger = BenchDatabase.logger
        let pbx = SimulatedPBX(configuration: simulator, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let server = try await SimulatedAMIServer.start(pbx: pbx, port: 0, logger: logger)
        let ami = AMIClient(configuration: AMIClientConfiguration(host: "127.0.0.1", port: server.port, username: "crmd", secret: "crmd-secret",
                                                                  reconnectBaseDelay: .milliseconds(100), reconnectMaxDelay: .milliseconds(400)),
                            logger: logger)
        let hub = PopHub()
        let callLog = CallLogService(ami: ami, store: store, hub: hub, logger: logger)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let api = APIServer(configuration: .init(host: "127.0.0.1", port: 0), store: store, hub: hub,
                            health: { HealthReport(pbx: [:], database: "ok") }, logger: logger, onRunning: { portContinuation.yield($0) })
        let group = ServiceGroup(configuration: .init(services: [ami, callLog, api], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let daemon = BenchDaemon(pbx: pbx, server: server, ami: ami, hub: hub, httpPort: await iterator.next() ?? 0)
            while await !ami.isConnected { try await Task.sleep(for: .milliseconds(20)) }
            do {
                try await body(daemon)
            } catch {
                await group.triggerGracefulShutdown()
                await server.close()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await server.close()
    }

    /// Resident memory of this process in MB (Linux `/proc/self/statm`).
    static func residentMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = text.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return pages * 4096 / 1_048_576
    }
}
