import NIOCore

/// Guards a new connection until its first request head is in, at the bytes, before any HTTP
/// decoding (Hummingbird's WebSocket-capable channel adds its own handlers only once the first head
/// has arrived): a connection that sends nothing or dribbles its head is closed after `timeout`,
/// and a head longer than `maxBytes` is answered 431 and closed. Then it steps aside; later
/// requests on the connection are timed by `HeaderTimeoutHandler`.
final class RequestHeadGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let maxBytes: Int
    private var timer: Scheduled<Void>?
    private var seen = 0
    /// The last bytes of the previous read, for a head end split across reads.
    private var tail: [UInt8] = []
    private var refused = false

    init(timeout: TimeAmount, maxBytes: Int) {
        self.timeout = timeout
        self.maxBytes = maxBytes
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        let buffer = unwrapInboundIn(data)
        let bytes = tail + buffer.readableBytesView
        if let end = Self.headEnd(in: bytes), seen + end - tail.count <= maxBytes {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        seen += buffer.readableBytes
        if seen > maxBytes {
            refused = true
            let body = #"{"error":"header_too_large","message":"the request head is over \#(maxBytes / 1024) KiB"}"#
            let response = "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
            let channel = context.channel
            context.writeAndFlush(wrapInboundOut(ByteBuffer(string: response)), promise: nil)
            context.eventLoop.scheduleTask(in: .milliseconds(50)) { channel.close(promise: nil) }
            return
        }
        tail = Array(bytes.suffix(3))
        context.fireChannelRead(data)
    }

    /// The offset just past the first blank line (`\r\n\r\n` or `\n\n`), if any.
    private static func headEnd(in bytes: [UInt8]) -> Int? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { return index + 2 }
                if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"), bytes[index + 2] == UInt8(ascii: "\n") { return index + 3 }
            }
            index += 1
        }
        return nil
    }
}
