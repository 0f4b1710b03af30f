import Hummingbird
import HummingbirdWebSocket
import NIOCore
import NIOHTTP1
import Synchronization

/// The router as hummingbird-websocket asks it whether to upgrade. A refusal (the token, the target's
/// reach, the socket cap, the origin, a path with no socket) is answered with the status and JSON
/// error the same URL gets without the upgrade headers, through `UpgradeRefusalWriter`, instead of a
/// bare 400 that says nothing.
struct UpgradeRefusingResponder<Base: HTTPResponder>: HTTPResponder where Base.Context == APIRequestContext {
    typealias Context = APIRequestContext
    let base: Base
    /// The paths that upgrade (`/v1/live`, `/v1/agents/{id}/events`); another path answered 200 has no socket.
    let isSocketPath: @Sendable (String) -> Bool

    func respond(to request: Request, context: Context) async throws -> Response {
        let response: Response
        do {
            response = try await base.respond(to: request, context: context)
        } catch {
            let answer = try (try? (error as? any HTTPResponseError)?.response(from: request, context: context))
                ?? APIError(.internalServerError, code: "internal", message: "internal error").response(from: request, context: context)
            try await refuse(with: answer, context: context)
            throw error
        }
        if response.status != .ok {
            try await refuse(with: response, context: context)
        } else if !isSocketPath(request.uri.path) {
            try await refuse(with: try APIError(.notFound, code: "not_found",
                                                message: "no WebSocket at \(request.uri.path); the event sockets are /v1/live and /v1/agents/{id}/events")
                .response(from: request, context: context), context: context)
        }
        return response
    }

    /// Puts the writer for `response` beside the connection's HTTP encoder, before the refusal is written.
    private func refuse(with response: Response, context: Context) async throws {
        let collector = BodyCollector()
        try await response.body.write(BodyCollector.Writer(collector: collector))
        let body = collector.bytes.withLock { $0 }
        var headers = HTTPHeaders()
        for field in response.headers where field.name != .contentLength && field.name != .connection {
            headers.add(name: field.name.rawName, value: field.value)
        }
        headers.replaceOrAdd(name: "Content-Length", value: "\(body.readableBytes)")
        headers.replaceOrAdd(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: response.status.code, reasonPhrase: response.status.reasonPhrase),
                                    headers: headers)
        let channel = context.channel
        try await channel.eventLoop.submit {
            let encoder = try channel.pipeline.syncOperations.handler(type: HTTPResponseEncoder.self)
            try channel.pipeline.syncOperations.addHandler(UpgradeRefusalWriter(head: head, body: body), position: .after(encoder))
        }.get()
    }
}

/// Gathers a response body's bytes (a refusal's small JSON).
private final class BodyCollector: Sendable {
    let bytes = Mutex(ByteBuffer())

    struct Writer: ResponseBodyWriter {
        let collector: BodyCollector
        mutating func write(_ part: ByteBuffer) async throws {
            var part = part
            collector.bytes.withLock { _ = $0.writeBuffer(&part) }
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
