import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// A loopback ARI event WebSocket (`/ari/events?app=…`) that sends recorded event messages
/// verbatim to every connection with the right credentials, then closes it.
public enum ARIEventReplayServer {
    /// Runs the server while `body` runs, giving it the server's base URL (`http://127.0.0.1:PORT`).
    public static func with<T: Sendable>(messages: [String], username: String, password: String, logger: Logger,
                                         _ body: @escaping @Sendable (String) async throws -> T) async throws -> T {
        let expected = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        let router = Router()
        router.get("/ari/events") { _, _ -> Response in
            Response(status: .unauthorized, headers: [.contentType: "application/json", .wwwAuthenticate: "Basic realm=\"Asterisk REST Interface\""],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"message":"Authentication required"}"#)))
        }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade { request, _, _ in
                guard request.path?.hasPrefix("/ari/events") == true, request.headerFields[.authorization] == expected else {
                    return .dontUpgrade
                }
                return .upgrade([:]) { _, outbound, _ in
                    for message in messages { try await outbound.write(.text(message)) }
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await app.run(); return nil }
            var iterator = portStream.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            group.addTask { try await body("http://127.0.0.1:\(port)") }
            var result: T?
            while let next = try await group.next() {
                if let next { result = next; break }
            }
            group.cancelAll()
            guard let result else { throw CancellationError() }
            return result
        }
    }
}
