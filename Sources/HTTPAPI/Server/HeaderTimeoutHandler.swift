import NIOCore
import NIOHTTPTypes

/// Closes a connection whose next request's headers do not arrive within `timeout`: from when the
/// connection opens, and again after each response. A client that sends nothing, or dribbles its
/// headers a byte at a time, holds a connection no longer than that. Removed on a WebSocket upgrade.
final class HeaderTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// When the awaited request head is due; `nil` while a request is read or answered.
    private var due: NIODeadline?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { expectHead(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        expectHead(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        due = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The timer stays: when it fires it finds nothing due (or a later due, and waits for that).
        if case .head = unwrapInboundIn(data) { due = nil }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { expectHead(context) }
        context.write(data, promise: promise)
    }

    /// The next head is due `timeout` from now. A timer is scheduled only when none is: on a busy
    /// connection one timer serves many requests instead of one scheduled and cancelled per request.
    private func expectHead(_ context: ChannelHandlerContext) {
        let deadline = NIODeadline.now() + timeout
        due = deadline
        if timer == nil { schedule(at: deadline, on: context.eventLoop, closing: context.channel) }
    }

    private func schedule(at deadline: NIODeadline, on eventLoop: any EventLoop, closing channel: any Channel) {
        let handler = NIOLoopBound(self, eventLoop: eventLoop)
        timer = eventLoop.scheduleTask(deadline: deadline) { handler.value.fire(on: eventLoop, closing: channel) }
    }

    private func fire(on eventLoop: any EventLoop, closing channel: any Channel) {
        timer = nil
        guard let due else { return }
        if due <= .now() {
            channel.close(promise: nil)
        } else {
            schedule(at: due, on: eventLoop, closing: channel)
        }
    }
}
