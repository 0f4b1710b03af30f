import AMI
import Logging
import NIOCore
import NIOPosix

/// The simulated PBX's manager interface: a TCP server on 127.0.0.1 that speaks AMI like
/// Asterisk (banner, plain and MD5 login, actions, event masks and filters, list responses).
public final class SimulatedAMIServer: @unchecked Sendable {
    public let pbx: SimulatedPBX
    private let channel: any Channel
    // Sessions are touched only on `pbx.eventLoop`.
    private var sessions: [ObjectIdentifier: any Channel] = [:]

    /// Starts listening; every connection is served on the PBX's event loop, so responses and
    /// events leave in the order they happen.
    public static func start(pbx: SimulatedPBX, host: String = "127.0.0.1", port: Int = 0,
                             logger: Logger = Logger(label: "calldesk.simulator.ami")) async throws -> SimulatedAMIServer {
        let server = SimulatedAMIServerBox()
        let channel = try await ServerBootstrap(group: pbx.eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(AMIDecoder(expectBanner: false)))
                    try channel.pipeline.syncOperations.addHandler(SimAMISession(pbx: pbx, logger: logger, registry: server))
                }
            }
            .bind(host: host, port: port).get()
        let instance = SimulatedAMIServer(pbx: pbx, channel: channel)
        server.server = instance
        return instance
    }

    private init(pbx: SimulatedPBX, channel: any Channel) {
        self.pbx = pbx
        self.channel = channel
    }

    public var port: Int { channel.localAddress?.port ?? 0 }

    func register(_ session: any Channel) { sessions[ObjectIdentifier(session)] = session }
    func unregister(_ session: any Channel) { sessions[ObjectIdentifier(session)] = nil }

    /// Like `core restart now`: a Shutdown event to every session, then every socket closes.
    /// Drops every AMI connection as a network fault would; calls on the PBX go on.
    public func dropConnections() async {
        try? await pbx.eventLoop.submit {
            for session in self.sessions.values { session.close(promise: nil) }
        }.get()
    }

    public func restart() async {
        try? await pbx.eventLoop.submit {
            self.pbx.announceShutdown(restart: true)
            for session in self.sessions.values { session.close(promise: nil) }
        }.get()
    }

    public func close() async {
        try? await pbx.eventLoop.submit {
            for session in self.sessions.values { session.close(promise: nil) }
        }.get()
        try? await channel.close()
    }
}

/// Lets sessions find their server once it has been created.
final class SimulatedAMIServerBox: @unchecked Sendable {
    weak var server: SimulatedAMIServer?
}
