import NIOCore

/// Bridges one TCP channel's decoded frames (a read's worth at a time) and lifecycle to its `AMIClient`.
final class AMIChannelHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = [AMIFrame]
    private let client: AMIClient
    private var closeReason = "connection closed by the PBX"

    init(client: AMIClient) {
        self.client = client
    }

    func channelActive(context: ChannelHandlerContext) {
        client.channelBecameActive(context.channel)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        for frame in unwrapInboundIn(data) { client.frameReceived(frame) }
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
