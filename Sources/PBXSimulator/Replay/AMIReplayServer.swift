import AMI
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A loopback AMI server that replays a real capture in step with the client: each thing the
/// client sends releases Asterisk's recorded answer and the events that followed it, with the
/// recorded ActionIDs rewritten to the client's. Every new connection replays from the start.
public final class AMIReplayServer: Sendable {
    public let capture: AMICapture
    private let channel: any Channel
    private let stats: NIOLockedValueBox<Stats>

    struct Stats {
        var connections = 0
        var actions: [String] = []
    }

    /// Starts listening on 127.0.0.1 (an ephemeral port unless given). With `hangUpOn`, the
    /// server drops the connection without a word when the client sends that action, like a
    /// PBX dying mid-request.
    public static func start(capture: AMICapture, port: Int = 0, hangUpOn: String? = nil,
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                             logger: Logger = Logger(label: "calldesk.pbx-replay")) async throws -> AMIReplayServer {
        let stats = NIOLockedValueBox(Stats())
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                stats.withLockedValue { $0.connections += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(AMIDecoder(expectBanner: false)))
                    try channel.pipeline.syncOperations.addHandler(ReplaySessionHandler(capture: capture, hangUpOn: hangUpOn, stats: stats, logger: logger))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return AMIReplayServer(capture: capture, channel: channel, stats: stats)
    }

    private init(capture: AMICapture, channel: any Channel, stats: NIOLockedValueBox<Stats>) {
        self.capture = capture
        self.channel = channel
        self.stats = stats
    }

    /// How many client connections were accepted so far.
    public var connectionCount: Int { stats.withLockedValue { $0.connections } }

    /// Every action name received so far, over all connections, in order.
    public var receivedActions: [String] { stats.withLockedValue { $0.actions } }

    public var port: Int { channel.localAddress?.port ?? 0 }

    public func close() async {
        try? await channel.close()
    }
}

/// Replays one connection's worth of a capture.
final class ReplaySessionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AMIFrame
    typealias OutboundOut = ByteBuffer

    private let capture: AMICapture
    private let hangUpOn: String?
    private let stats: NIOLockedValueBox<AMIReplayServer.Stats>
    private let logger: Logger
    private var consumed = Set<Int>()
    private var idMap: [String: String] = [:]

    init(capture: AMICapture, hangUpOn: String?, stats: NIOLockedValueBox<AMIReplayServer.Stats>, logger: Logger) {
        self.capture = capture
        self.hangUpOn = hangUpOn
        self.stats = stats
        self.logger = logger
    }

    private func reply(_ context: ChannelHandlerContext, _ headers: [(String, String)], close: Bool = false) {
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(AMIMessage(headers: headers).wireBytes)).whenComplete { _ in
            if close { channel.close(promise: nil) }
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 64)
        buffer.writeString(capture.banner + "\r\n")
        for message in capture.greeting { var bytes = message.wireBytes; buffer.writeBuffer(&bytes) }
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        // The next unreplayed step for this action name (or unparsable line), so a client may ask
        // in another order than the recording; past the recording, answer as Asterisk would.
        let name: String? = if case .message(let action) = frame { action["Action"]?.lowercased() } else { nil }
        if case .message(let action) = frame { stats.withLockedValue { $0.actions.append(action["Action"] ?? "") } }
        guard let index = capture.steps.indices.first(where: { !consumed.contains($0) && capture.steps[$0].action?["Action"]?.lowercased() == name }) else {
            guard case .message(let action) = frame else { return }
            let id = action.actionID ?? ""
            switch name {
            case "logoff": reply(context, [("Response", "Goodbye"), ("ActionID", id), ("Message", "Thanks for all the fish.")], close: true)
            case "ping": reply(context, [("Response", "Success"), ("ActionID", id), ("Ping", "Pong")])
            default: reply(context, [("Response", "Error"), ("ActionID", id), ("Message", "replay: the capture holds no \(action["Action"] ?? "such") action")])
            }
            return
        }
        let step = capture.steps[index]
        consumed.insert(index)
        if case .message(let action) = frame {
            if let hangUpOn, name == hangUpOn.lowercased() {
                context.close(promise: nil)
                return
            }
            if let recordedID = step.action?.actionID, let id = action.actionID {
                idMap[recordedID] = id
            }
            // A login is accepted only with the recorded credentials: the same secret, or the same MD5 key.
            if let recorded = step.action, name == "login",
               recorded["Secret"] != action["Secret"] || recorded["Key"] != action["Key"] || recorded["Username"] != action["Username"] {
                reply(context, [("Response", "Error"), ("ActionID", action.actionID ?? ""), ("Message", "Authentication failed")], close: true)
                return
            }
        }
        var buffer = context.channel.allocator.buffer(capacity: 1024)
        for reply in step.replies {
            var bytes = (reply.actionID.flatMap { idMap[$0] }.map { reply.replacingValues(of: "ActionID", with: $0) } ?? reply).wireBytes
            buffer.writeBuffer(&bytes)
        }
        let closes = capture.serverCloses && consumed.count == capture.steps.count
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in
            if closes { channel.close(promise: nil) }
        }
    }
}
