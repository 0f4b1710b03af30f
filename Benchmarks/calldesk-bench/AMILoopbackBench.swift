import AMI
import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix

/// End-to-end: a local server blasts real events over loopback TCP to an `AMIClient` subscriber.
struct AMILoopbackBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ami-loopback", abstract: "AMI events/s from socket to subscriber over loopback.")

    @OptionGroup var stream: AMIStreamOptions

    func run() async throws {
        let (payload, perCopy, copies) = try stream.payload(defaultEvents: 1_000_000)
        let total = copies * perCopy
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(AMIDecoder(expectBanner: false)))
                    try channel.pipeline.syncOperations.addHandler(BlastHandler(payload: payload))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let client = AMIClient(configuration: AMIClientConfiguration(pbx: "bench", port: server.localAddress!.port!, username: "bench",
                                                                     secret: "bench", authType: .plain, eventMask: "on"),
                               logger: logger)
        let subscription = client.events(bufferSize: 100_000)
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            var received = 0
            var start: ContinuousClock.Instant?
            var overflow = 0
            for await element in subscription {
                switch element {
                case .connected: start = .now
                case .event: received += 1
                case .overflow(_, let dropped): overflow += dropped
                default: break
                }
                if received + overflow >= total { break }
            }
            let elapsed = (ContinuousClock.now - (start ?? .now)).seconds
            print(String(format: "[ami-loopback] %d events over TCP to one subscriber: %.0f events/s, %.1f MB/s (%.2f s, %d dropped)",
                         received, Double(received) / elapsed, Double(payload.readableBytes) / elapsed / 1e6, elapsed, overflow))
            group.cancelAll()
        }
        try await server.close()
    }
}

/// Greets like Asterisk, accepts any login, then writes the whole payload.
final class BlastHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AMIFrame
    typealias OutboundOut = ByteBuffer
    let payload: ByteBuffer

    init(payload: ByteBuffer) { self.payload = payload }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "Asterisk Call Manager/13.0.0\r\n")), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .message(let action) = unwrapInboundIn(data) else { return }
        let id = action.actionID ?? ""
        switch action["Action"] {
        case "Login":
            context.write(wrapOutboundOut(AMIMessage(["Response": "Success", "ActionID": id, "Message": "Authentication accepted"]).wireBytes), promise: nil)
            context.writeAndFlush(wrapOutboundOut(payload), promise: nil)
        case "Logoff":
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(AMIMessage(["Response": "Goodbye", "ActionID": id]).wireBytes)).whenComplete { _ in
                channel.close(promise: nil)
            }
        default:
            context.writeAndFlush(wrapOutboundOut(AMIMessage(["Response": "Success", "ActionID": id]).wireBytes), promise: nil)
        }
    }
}
