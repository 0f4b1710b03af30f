import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A loopback ARI event WebSocket that sends recorded messages byte for byte.
///
/// Connection *n* gets `sessions[n]` (the last session once they run out), behind the same basic
/// auth as ari.conf; a session that `closes` ends the socket after its last message, as a
/// restarting Asterisk would.
public struct ARIEventReplayServer: Service {
    /// The messages one connection receives, and whether the server then closes it.
    public struct Session: Sendable {
        public var messages: [String]
        public var closes: Bool

        public init(messages: [String], closes: Bool) {
            self.messages = messages
            self.closes = closes
        }
    }

    private let application: Application<RouterResponder<BasicWebSocketRequestContext>>

    public init(sessions: [Session], users: [String: String] = ["crmd": "crmd-secret"], logger: Logger,
                onRunning: @escaping @Sendable (Int) async -> Void) {
        let connections = Mutex(0)
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.add(middleware: ARIAuthMiddleware(users: users))
        router.ws("ari/events") { _, _ in .upgrade([:]) } onUpgrade: { inbound, outbound, _ in
            let index = connections.withLock { count in
                defer { count += 1 }
                return count
            }
            guard let session = sessions.isEmpty ? nil : sessions[min(index, sessions.count - 1)] else { return }
            for message in session.messages { try await outbound.write(.text(message)) }
            guard !session.closes else {
                // swift-websocket 1.6.2's client drops text frames that reach it in the same read as a
                // close right after the upgrade, and then hangs until its ping times out; a real Asterisk
                // never closes the instant it opens, so the replay lets the messages land first.
                try await Task.sleep(for: .milliseconds(50))
                return
            }
            for try await _ in inbound {}
        }
        application = Application(router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
                                  configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    public func run() async throws {
        try await application.run()
    }
}
