import Foundation
import HummingbirdWSClient
import Logging
import ServiceLifecycle
import Synchronization
import Secrets

/// A supervised connection to Asterisk's ARI event WebSocket (`/ari/events?app=…`).
///
/// `run()` connects with basic auth, decodes each message into a typed `ARIEvent`, and reconnects
/// with backoff until graceful shutdown or cancellation. `events()` gives any number of consumers
/// their own bounded stream; a message that is not ARI JSON is reported and skipped, never fatal.
public final class ARIEventClient: Service, Sendable {
    public let configuration: ARIEventConfiguration
    private let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var subscribers: [Int: Subscriber] = [:]
        var nextID = 0
        var generation = 0
        var connected = false
        var finished = false
    }

    private struct Subscriber {
        let continuation: AsyncStream<ARIStreamElement>.Continuation
        var dropped = 0
    }

    public init(configuration: ARIEventConfiguration, logger: Logger = Logger(label: "calldesk.ari")) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "ari"] = "\(Redaction.url(configuration.baseURL))"
        self.logger = logger
    }

    /// A new stream of events and connection changes, buffering at most `bufferSize` elements; a
    /// consumer that falls behind gets `.overflow` with the count and must resync.
    public func events(bufferSize: Int = 10_000) -> AsyncStream<ARIStreamElement> {
        let (stream, continuation) = AsyncStream.makeStream(of: ARIStreamElement.self, bufferingPolicy: .bufferingOldest(bufferSize))
        let id: Int? = state.withLock { state in
            guard !state.finished else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.subscribers[id] = Subscriber(continuation: continuation)
            if state.connected { continuation.yield(.connected(generation: state.generation)) }
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Whether the event WebSocket is open right now.
    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Stays connected until graceful shutdown or cancellation; then every stream finishes.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.superviseConnection() }
        let subscribers = state.withLock { state in
            state.finished = true
            state.connected = false
            defer { state.subscribers = [:] }
            return state.subscribers.values.map(\.continuation)
        }
        for continuation in subscribers { continuation.finish() }
    }

    private func superviseConnection() async {
        var attempt = 0
        while !Task.isCancelled {
            let wait: Duration
            switch await connectOnce() {
            case .closed(let reason):
                attempt = 0
                logger.warning("ARI event socket closed; reconnecting", metadata: ["reason": "\(reason)"])
                publish(.disconnected(reason: reason))
                wait = configuration.delay(attempt: 0, jitter: .random(in: 0...1))
            case .failed(let error):
                logger.error("ARI event socket connection failed", metadata: ["error": "\(error)", "attempt": "\(attempt + 1)"])
                publish(.connectionFailed(error))
                wait = error.kind == .unauthorized
                    ? max(configuration.authFailureDelay, configuration.delay(attempt: attempt, jitter: .random(in: 0...1)))
                    : configuration.delay(attempt: attempt, jitter: .random(in: 0...1))
                attempt += 1
            }
            try? await Task.sleep(for: wait)
        }
    }

    /// Publishes every event of one socket until it closes.
    private func read(_ inbound: WebSocketInboundStream) async throws {
        for try await message in inbound.messages(maxSize: configuration.maxMessageSize) {
            guard case .text(let text) = message else { continue }
            do throws(ARIEventDecodingError) {
                publish(.event(try ARIEvent.decode(text)))
            } catch {
                logger.warning("ARI event skipped", metadata: ["error": "\(error)"])
                publish(.undecodable(error))
            }
        }
    }

    private enum Outcome {
        /// The socket was open and closed (by Asterisk, the network, or shutdown).
        case closed(String)
        /// The socket never opened.
        case failed(ARIError)
    }

    private func connectOnce() async -> Outcome {
        var socketConfiguration = WebSocketClientConfiguration(maxFrameSize: configuration.maxMessageSize,
                                                               autoPing: .enabled(timePeriod: configuration.keepaliveInterval))
        let credentials = Data("\(configuration.username):\(configuration.password)".utf8).base64EncodedString()
        socketConfiguration.additionalHeaders[.authorization] = "Basic \(credentials)"
        let opened = Mutex(false)
        do {
            let close = try await WebSocketClient.connect(url: configuration.eventsURL, configuration: socketConfiguration,
                                                          logger: logger) { inbound, outbound, _ in
                opened.withLock { $0 = true }
                let generation = self.state.withLock { state in
                    state.generation += 1
                    state.connected = true
                    return state.generation
                }
                self.logger.info("ARI event socket connected", metadata: ["generation": "\(generation)",
                                                                           "apps": "\(self.configuration.applications.joined(separator: ","))"])
                self.publish(.connected(generation: generation))
                defer { self.state.withLock { $0.connected = false } }
                // Cancelled (a shutdown) while the socket is quiet: close it, so the read below ends and
                // the client stops at once instead of waiting for Asterisk to say something.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await self.read(inbound) }
                    group.addTask {
                        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                        try? await outbound.close(.goingAway, reason: "shutdown")
                    }
                    _ = try await group.next()
                    group.cancelAll()
                }
            }
            state.withLock { $0.connected = false }
            guard opened.withLock({ $0 }) else { return .failed(await diagnose("the socket closed before it opened")) }
            return .closed(close.map { "closed by Asterisk (\($0.closeCode))" } ?? "closed")
        } catch {
            state.withLock { $0.connected = false }
            if opened.withLock({ $0 }) { return .closed("\(error)") }
            if let refusal = error as? WebSocketClientError, refusal == .webSocketUpgradeFailed {
                return .failed(await diagnose("\(error)"))
            }
            return .failed(ARIError(status: 0, method: "GET", path: "/events", message: "\(error)"))
        }
    }

    /// Why the upgrade failed, in Asterisk's words: the same credentials asked of the REST side.
    private func diagnose(_ failure: String) async -> ARIError {
        let client = ARIClient(baseURL: configuration.baseURL, username: configuration.username, password: configuration.password,
                               timeout: .seconds(5))
        do {
            _ = try await client.asteriskInfo()
        } catch {
            return error
        }
        return ARIError(status: 0, method: "GET", path: "/events", message: "WebSocket upgrade failed: \(failure)")
    }

    private func publish(_ element: ARIStreamElement) {
        state.withLock { state in
            for (id, subscriber) in state.subscribers {
                var subscriber = subscriber
                if subscriber.dropped > 0, case .enqueued = subscriber.continuation.yield(.overflow(dropped: subscriber.dropped)) {
                    subscriber.dropped = 0
                }
                if case .dropped = subscriber.continuation.yield(element) { subscriber.dropped += 1 }
                state.subscribers[id] = subscriber
            }
        }
    }
}
