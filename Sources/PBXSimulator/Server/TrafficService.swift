import Logging
import ServiceLifecycle

/// Runs a `TrafficGenerator` against a simulated PBX until graceful shutdown.
public struct TrafficService: Service {
    public let traffic: TrafficGenerator
    public let pbx: SimulatedPBX
    let logger: Logger

    public init(traffic: TrafficGenerator, pbx: SimulatedPBX, logger: Logger) {
        self.traffic = traffic
        self.pbx = pbx
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown { try await traffic.run(on: pbx, logger: logger) }
    }
}
