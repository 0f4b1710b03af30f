import Logging
import NIOPosix
import ServiceLifecycle

/// The whole simulated PBX as a service: the AMI server on 127.0.0.1 and, optionally, traffic.
public struct PBXSimulatorService: Service {
    public let configuration: SimulatorConfiguration
    public let amiPort: Int
    public let traffic: TrafficGenerator?
    let logger: Logger

    public init(configuration: SimulatorConfiguration, amiPort: Int, traffic: TrafficGenerator? = nil, logger: Logger) {
        self.configuration = configuration
        self.amiPort = amiPort
        self.traffic = traffic
        self.logger = logger
    }

    public func run() async throws {
        let pbx = SimulatedPBX(configuration: configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let server = try await SimulatedAMIServer.start(pbx: pbx, port: amiPort, logger: logger)
        logger.info("simulated PBX listening", metadata: ["ami": "127.0.0.1:\(server.port)",
                                                          "users": "\(configuration.users.keys.sorted().joined(separator: ","))"])
        await withTaskGroup(of: Void.self) { group in
            if let traffic {
                group.addTask { try? await traffic.run(on: pbx, logger: logger) }
            }
            try? await gracefulShutdown()
            logger.info("simulated PBX stopping")
            group.cancelAll()
        }
        await server.close()
    }
}
