import NIOCore

/// Bridges one TCP channel's bytes (decoded a read at a time) and lifecycle to its `AMIClient`.
final class AMIChannelHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    private let client: AMIClient
    private var decoder: AMIReadDecoder
    private var frames: [AMIFrame] = []
    private var delivering = false
    private var closeReason = "connection closed by the PBX"

    init(client: AMIClient, maxMessageSize: Int) {
        self.client = client
        decoder = AMIReadDecoder(maxMessageSize: maxMessageSize)
    }

    func channelActive(context: ChannelHandlerContext) {
        client.channelBecameActive(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        decoder.decode(unwrapInboundIn(data), into: &frames)
        // A read that comes in while frames are handed on (re-entrantly) only adds its frames: the
        // loop below hands them on after the ones before, in order.
        guard !delivering else { return }
        delivering = true
        var index = 0
        while index < frames.count {
            client.frameReceived(frames[index])
            index += 1
        }
        frames.removeAll(keepingCapacity: true)
        delivering = false
    }

    /// The socket's read is decoded: its events go out as one batch.
    func channelReadComplete(context: ChannelHandlerContext) {
        client.readComplete()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closeReason = "\(error)"
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.channelClosed(context.channel, reason: closeReason)
        context.fireChannelInactive()
    }
}
