import Logging
import NIOPosix
import ServiceLifecycle

/// The whole simulated PBX as a service: the AMI server and, with `ariPort`, the ARI (REST and
/// event WebSocket) on 127.0.0.1, and optionally generated traffic.
public struct PBXSimulatorService: Service {
    public let configuration: SimulatorConfiguration
    public let amiPort: Int
    public let ariPort: Int?
    public let traffic: TrafficGenerator?
    let logger: Logger

    public init(configuration: SimulatorConfiguration, amiPort: Int, ariPort: Int? = nil, traffic: TrafficGenerator? = nil, logger: Logger) {
        self.configuration = configuration
        self.amiPort = amiPort
        self.ariPort = ariPort
        self.traffic = traffic
        self.logger = logger
    }

    public func run() async throws {
        let pbx = SimulatedPBX(configuration: configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let server = try await SimulatedAMIServer.start(pbx: pbx, port: amiPort, logger: logger)
        logger.info("simulated PBX listening", metadata: ["ami": "127.0.0.1:\(server.port)", "ari": "\(ariPort.map { "127.0.0.1:\($0)" } ?? "off")",
                                                          "users": "\(configuration.users.keys.sorted().joined(separator: ","))"])
        await withTaskGroup(of: Void.self) { group in
            if let ariPort {
                // Stops by itself on the same graceful shutdown (the signal reaches child tasks).
                group.addTask {
                    do {
                        try await SimulatedARIServer(pbx: pbx, port: ariPort, logger: logger).run()
                    } catch {
                        logger.error("simulated ARI stopped", metadata: ["error": "\(error)"])
                    }
                }
            }
            await withTaskGroup(of: Void.self) { generators in
                if let traffic {
                    generators.addTask { try? await traffic.run(on: pbx, logger: logger) }
                }
                try? await gracefulShutdown()
                logger.info("simulated PBX stopping")
                generators.cancelAll()
            }
        }
        await server.close()
    }
}
