import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import ServiceLifecycle
import Synchronization

/// The ARI event WebSocket (`/ari/events?app=…`) as a supervised service: it connects with basic
/// auth, decodes every message into a typed `ARIEvent`, hands it to every subscriber, and
/// reconnects with exponential backoff and jitter until graceful shutdown.
public final class ARIEventClient: Service, Sendable {
    public let baseURL: String
    public let application: String
    private let authorization: String
    private let logger: Logger
    private let reconnectBaseDelay: Duration
    private let reconnectMaxDelay: Duration
    private let state = Mutex(State())

    private struct State {
        var subscribers: [Int: AsyncStream<ARIStreamElement>.Continuation] = [:]
        var nextID = 0
        var generation = 0
    }

    public init(baseURL: String, username: String, password: String, application: String, logger: Logger,
                reconnectBaseDelay: Duration = .milliseconds(500), reconnectMaxDelay: Duration = .seconds(30)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.application = application
        self.authorization = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        var logger = logger
        logger[metadataKey: "ari.app"] = "\(application)"
        self.logger = logger
        self.reconnectBaseDelay = reconnectBaseDelay
        self.reconnectMaxDelay = reconnectMaxDelay
    }

    /// A new stream of events and connection changes, buffering at most `bufferSize` elements.
    public func events(bufferSize: Int = 10_000) -> AsyncStream<ARIStreamElement> {
        let (stream, continuation) = AsyncStream.makeStream(of: ARIStreamElement.self, bufferingPolicy: .bufferingOldest(bufferSize))
        let id = state.withLock { state in
            state.nextID += 1
            state.subscribers[state.nextID] = continuation
            return state.nextID
        }
        continuation.onTermination = { [weak self] _ in _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) } }
        return stream
    }

    private func broadcast(_ element: ARIStreamElement) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        for subscriber in subscribers {
            if case .dropped = subscriber.yield(element) {
                logger.warning("ARI event subscriber fell behind; an event was dropped")
            }
        }
    }

    /// The WebSocket URL for the application (`ws://…/ari/events?app=crmd&subscribeAll=false`).
    var eventsURL: String {
        let ws = baseURL.replacingOccurrences(of: "http://", with: "ws://").replacingOccurrences(of: "https://", with: "wss://")
        return ws + "/ari/events?app=" + ARIClient.escape(application) + "&subscribeAll=false"
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var attempt = 0
            while !Task.isCancelled {
                let before = self.state.withLock { $0.generation }
                let reason = await self.connectOnce()
                self.broadcast(.disconnected(reason: reason))
                // A connection that got through starts the backoff over.
                attempt = self.state.withLock { $0.generation } > before ? 0 : attempt + 1
                let base = min(self.reconnectBaseDelay * (1 << min(attempt, 16)), self.reconnectMaxDelay)
                let delay = base * Double.random(in: 0.5...1)
                self.logger.info("ARI events reconnect scheduled", metadata: ["reason": "\(reason)", "seconds": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
        let subscribers = state.withLock { state in
            defer { state.subscribers.removeAll() }
            return Array(state.subscribers.values)
        }
        for subscriber in subscribers { subscriber.finish() }
    }

    /// One connection: returns why it ended.
    private func connectOnce() async -> String {
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders[.authorization] = authorization
        let client = WebSocketClient(url: eventsURL, configuration: configuration, logger: logger) { inbound, _, _ in
            let generation = self.state.withLock { state in
                state.generation += 1
                return state.generation
            }
            self.logger.info("ARI events connected", metadata: ["generation": "\(generation)"])
            self.broadcast(.connected(generation: generation))
            for try await message in inbound.messages(maxSize: 4 << 20) {
                guard case .text(let text) = message else { continue }
                switch Result(catching: { () throws(ARIEventDecodingError) in try ARIEvent.decode(text) }) {
                case .success(let event):
                    self.broadcast(.event(event))
                case .failure(let error):
                    self.logger.warning("ARI event skipped", metadata: ["error": "\(error)"])
                    self.broadcast(.undecodable(error))
                }
            }
        }
        do {
            let close = try await client.run()
            return "closed (\(close.map { "\($0.closeCode)" } ?? "no close frame"))"
        } catch {
            return "\(error)"
        }
    }
}
