import NIOCore
import NIOHTTP1

/// Writes a refused WebSocket upgrade's real answer (401, 403, 404, 429 with the API's JSON error) in
/// place of the bare `400 Bad Request` hummingbird-websocket writes for every refusal. Added to a
/// connection's pipeline, beside its HTTP encoder, only once its upgrade was refused
/// (`UpgradeRefusingResponder`); it rewrites that one response and nothing else.
final class UpgradeRefusalWriter: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let head: HTTPResponseHead
    private let body: ByteBuffer
    private var replacing = false

    init(head: HTTPResponseHead, body: ByteBuffer) {
        self.head = head
        self.body = body
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let original) where original.status == .badRequest && !replacing:
            replacing = true
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: promise)
        case .body where replacing:
            promise?.succeed()  // the bare refusal has no body; ours was written with the head
        case .end(let trailers):
            context.write(wrapOutboundOut(.end(trailers)), promise: promise)
            if replacing { context.pipeline.syncOperations.removeHandler(context: context, promise: nil) }
        default:
            context.write(data, promise: promise)
        }
    }
}
