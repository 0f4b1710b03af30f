import EventLoopExecutors
import Foundation
import Logging
import Metrics
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A supervised connection to one Asterisk's manager interface.
///
/// `run()` connects, logs in, keeps the link alive and reconnects with backoff until graceful
/// shutdown. `send(_:)` matches responses to callers by ActionID (lists are collected);
/// `events()` gives any number of consumers their own bounded stream. Decoding happens on the
/// connection's event loop, never on a consumer's task.
public final class AMIClient: Service, @unchecked Sendable {
    // All mutable state below is confined to `eventLoop`.
    public let configuration: AMIClientConfiguration
    public var pbx: String { configuration.pbx }
    let eventLoop: any EventLoop
    /// Runs tasks on the loop that reads the PBX: a consumer preferring it gets each read's events
    /// without waking another thread (the call log's coordinator does, for the screen-pop's sake).
    public let taskExecutor: any TaskExecutor
    private let logger: Logger
    private var machine: AMIConnectionStateMachine
    private var channel: (any Channel)?
    private var promises: [String: EventLoopPromise<AMIResponse>] = [:]
    private var timeouts: [String: Scheduled<Void>] = [:]
    private var subscribers: [Int: Subscriber] = [:]
    private var nextSubscriberID = 0
    /// Subscribers that lost events and still owe an `.overflow` marker.
    private var lagging = 0
    private var keepalive: RepeatedTask?
    /// When the current session logged in (its length decides how soon a lost link is retried).
    private var loggedInAt: NIODeadline?
    private var reconnect: Scheduled<Void>?
    private var finished: EventLoopPromise<Void>?
    private var counters = Counters()
    private let metrics: AMIMetrics

    private struct Subscriber {
        let continuation: AsyncStream<AMIStreamElement>.Continuation
        /// Takes a read's events as one `.events` element rather than one `.event` each.
        let batched: Bool
        var dropped = 0
    }
    /// Events decoded from the current read, handed on together when the read is complete.
    private var batch: [AMIEvent] = []
    /// The state machine's outputs for the message at hand (reused: no allocation per event).
    private var scratch: [AMIConnectionStateMachine.Output] = []
    /// When the current read arrived (every event in it shares it).
    private var batchArrival: (date: Date, instant: ContinuousClock.Instant)?

    /// Running totals, readable for metrics and tests.
    public struct Counters: Sendable, Hashable {
        public var eventsReceived = 0
        public var eventsDropped = 0
        public var protocolErrors = 0
        public var connects = 0
    }

    /// `metrics` receives the link's figures (`calldesk_ami_*`, by `pbx`).
    public init(configuration: AMIClientConfiguration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                logger: Logger = Logger(label: "calldesk.ami"), metrics: any MetricsFactory = MetricsSystem.factory) {
        self.configuration = configuration
        self.metrics = AMIMetrics(pbx: configuration.pbx, factory: metrics)
        self.eventLoop = eventLoopGroup.next()
        self.taskExecutor = EventLoopTaskExecutor(eventLoop)
        var logger = logger
        logger[metadataKey: "pbx"] = "\(configuration.pbx)"
        self.logger = logger
        self.machine = AMIConnectionStateMachine(configuration: configuration)
    }

    // MARK: Public API

    /// Connects and stays connected until graceful shutdown or cancellation; then logs off.
    public func run() async throws {
        let finished = eventLoop.makePromise(of: Void.self)
        eventLoop.execute {
            self.finished = finished
            self.perform(self.machine.start())
        }
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                try? await finished.futureResult.get()
            } onCancel: {
                self.eventLoop.execute { self.shutdownNow() }
            }
        } onGracefulShutdown: {
            self.eventLoop.execute { self.shutdownNow() }
        }
    }

    /// Sends `action` and waits for its response (all items for list actions).
    ///
    /// Fails fast with `.notConnected` while the link is down; a non-idempotent action whose
    /// connection drops fails with `.outcomeUnknown` and is never resent.
    public func send(_ action: AMIAction, timeout: Duration? = nil) async throws -> AMIResponse {
        try action.validate()
        let promise = eventLoop.makePromise(of: AMIResponse.self)
        eventLoop.execute {
            let (id, outputs) = self.machine.actionRequested(action)
            self.promises[id] = promise
            let limit = timeout ?? self.configuration.actionTimeout
            if case .send = outputs.first {
                self.timeouts[id] = self.eventLoop.scheduleTask(in: .nanoseconds(Int64(limit.nanoseconds))) {
                    self.perform(self.machine.actionTimedOut(id))
                }
            }
            self.logger.debug("AMI action", metadata: ["action": "\(action.name)", "actionID": "\(id)"])
            self.perform(outputs)
        }
        return try await promise.futureResult.get()
    }

    /// A new stream of this PBX's events and connection changes, buffering at most `bufferSize`
    /// elements; if the consumer falls behind it gets `.overflow` (with the count) and must resync.
    /// `batched` hands on each socket read's events as one `.events` element (far fewer hops when
    /// the PBX is busy); otherwise each event is its own `.event`.
    public func events(bufferSize: Int = 10_000, batched: Bool = false) -> AsyncStream<AMIStreamElement> {
        let (stream, continuation) = AsyncStream.makeStream(of: AMIStreamElement.self, bufferingPolicy: .bufferingOldest(bufferSize))
        eventLoop.execute {
            let id = self.nextSubscriberID
            self.nextSubscriberID += 1
            self.subscribers[id] = Subscriber(continuation: continuation, batched: batched)
            if self.machine.state == .active {
                continuation.yield(.connected(pbx: self.pbx, generation: self.machine.generation))
            }
            continuation.onTermination = { _ in
                self.eventLoop.execute {
                    if (self.subscribers.removeValue(forKey: id)?.dropped ?? 0) > 0 { self.lagging -= 1 }
                }
            }
        }
        return stream
    }

    /// Whether the client is logged in right now.
    public var isConnected: Bool {
        get async { (try? await eventLoop.submit { self.machine.state == .active }.get()) ?? false }
    }

    /// Totals so far (events received and dropped, protocol errors, connects).
    public var counterSnapshot: Counters {
        get async { (try? await eventLoop.submit { self.counters }.get()) ?? Counters() }
    }

    // MARK: Channel callbacks (on the event loop)

    func channelBecameActive(_ channel: any Channel) {
        self.channel = channel
        perform(machine.channelActive())
    }

    func frameReceived(_ frame: AMIFrame) {
        switch frame {
        case .banner(let banner):
            logger.debug("AMI banner", metadata: ["banner": "\(banner)"])
            perform(machine.bannerReceived(banner))
        case .message(let message):
            machine.messageReceived(message, into: &scratch)
            perform(scratch)
            scratch.removeAll(keepingCapacity: true)
            if lagging > 0, message.eventName == nil { deliverOverflowMarkers() }
        case .protocolError(let error):
            counters.protocolErrors += 1
            metrics.protocolErrors.increment()
            logger.warning("AMI protocol error", metadata: ["error": "\(error)"])
        }
    }

    func channelClosed(_ channel: any Channel, reason: String) {
        guard self.channel === channel else { return }
        self.channel = nil
        keepalive?.cancel()
        keepalive = nil
        let upFor = loggedInAt.map { Duration.nanoseconds((NIODeadline.now() - $0).nanoseconds) } ?? .zero
        loggedInAt = nil
        perform(machine.channelClosed(reason: reason, jitter: Double.random(in: 0...1), upFor: upFor))
        if machine.state == .shutDown { finish() }
    }

    // MARK: Output execution

    private func perform(_ outputs: [AMIConnectionStateMachine.Output]) {
        eventLoop.preconditionInEventLoop()
        for output in outputs { perform(output) }
    }

    private func perform(_ output: AMIConnectionStateMachine.Output) {
        switch output {
        case .connect:
            connect()
        case .send(let envelope):
            guard let channel else { return }
            var buffer = channel.allocator.buffer(capacity: 256)
            do {
                try envelope.action.write(actionID: envelope.actionID, into: &buffer)
                channel.writeAndFlush(buffer, promise: nil)
            } catch {
                perform(machine.actionTimedOut(envelope.actionID))
            }
        case .succeed(let id, let response):
            timeouts.removeValue(forKey: id)?.cancel()
            promises.removeValue(forKey: id)?.succeed(response)
        case .fail(let id, let error):
            timeouts.removeValue(forKey: id)?.cancel()
            if case .outcomeUnknown = error { logger.warning("AMI action outcome unknown", metadata: ["actionID": "\(id)"]) }
            promises.removeValue(forKey: id)?.fail(error)
        case .deliver(let message):
            let arrival = batchArrival ?? (Date(), .now)
            batchArrival = arrival
            batch.append(AMIEvent(pbx: pbx, message: message, receivedAt: arrival.date, arrivedAt: arrival.instant))
        case .connected(let generation):
            counters.connects += 1
            metrics.logins.increment()
            metrics.connected.record(1)
            loggedInAt = .now()
            logger.info("AMI logged in", metadata: ["user": "\(configuration.username)", "generation": "\(generation)"])
            broadcast(.connected(pbx: pbx, generation: generation))
        case .disconnected(let reason):
            metrics.connected.record(0)
            logger.warning("AMI connection lost", metadata: ["reason": "\(reason)"])
            broadcast(.disconnected(pbx: pbx, reason: reason))
        case .connectionFailed(let error):
            logger.error("AMI connection failed", metadata: ["error": "\(error)"])
            broadcast(.connectionFailed(pbx: pbx, error: error))
        case .closeConnection:
            if let channel { channel.close(promise: nil) } else if machine.state == .shutDown { finish() }
        case .scheduleReconnect(let delay):
            logger.info("AMI reconnect scheduled", metadata: ["seconds": "\(Double(delay.nanoseconds) / 1e9)"])
            reconnect = eventLoop.scheduleTask(in: .nanoseconds(Int64(delay.nanoseconds))) {
                self.perform(self.machine.reconnectTimerFired())
            }
        case .startKeepalive:
            keepalive?.cancel()
            let interval = TimeAmount.nanoseconds(Int64(configuration.keepaliveInterval.nanoseconds))
            keepalive = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                self.perform(self.machine.keepaliveTick())
            }
        case .protocolError(let text):
            counters.protocolErrors += 1
            metrics.protocolErrors.increment()
            logger.warning("AMI protocol problem", metadata: ["detail": "\(text)"])
        }
    }

    /// The socket's read is decoded: its events go to the subscribers, as one batch or one by one.
    func readComplete() {
        flushEvents()
    }

    private func flushEvents() {
        batchArrival = nil
        guard !batch.isEmpty else { return }
        let events = batch
        batch.removeAll(keepingCapacity: true)
        counters.eventsReceived += events.count
        metrics.events.increment(by: events.count)
        if logger.logLevel <= .trace {
            for event in events { logger.trace("AMI event", metadata: ["event": "\(event.name)"]) }
        }
        for (id, var subscriber) in subscribers {
            if subscriber.batched {
                offer(.events(events), count: events.count, to: &subscriber)
            } else {
                for event in events { offer(.event(event), count: 1, to: &subscriber) }
            }
            subscribers[id] = subscriber
        }
    }

    /// Hands `element` to every subscriber (after the events decoded before it). A full subscriber
    /// loses it, counted; its next delivery starts with an `.overflow` marker carrying the count,
    /// so loss is never silent.
    private func broadcast(_ element: AMIStreamElement) {
        flushEvents()
        for (id, var subscriber) in subscribers {
            offer(element, count: 1, to: &subscriber)
            subscribers[id] = subscriber
        }
    }

    /// Yields `element` (worth `count` events) to one subscriber, or counts it lost.
    private func offer(_ element: AMIStreamElement, count: Int, to subscriber: inout Subscriber) {
        if subscriber.dropped > 0, !deliverOverflowMarker(&subscriber) {
            lose(count, from: &subscriber)
            return
        }
        if case .dropped = subscriber.continuation.yield(element) {
            if subscriber.dropped == 0 { lagging += 1 }
            lose(count, from: &subscriber)
        }
    }

    private func lose(_ count: Int, from subscriber: inout Subscriber) {
        subscriber.dropped += count
        counters.eventsDropped += count
        metrics.eventsDropped.increment(by: count)
    }

    /// Retries pending overflow markers (called when responses arrive, so a quiet PBX still tells a recovered consumer).
    private func deliverOverflowMarkers() {
        for (id, var subscriber) in subscribers where subscriber.dropped > 0 {
            _ = deliverOverflowMarker(&subscriber)
            subscribers[id] = subscriber
        }
    }

    private func deliverOverflowMarker(_ subscriber: inout Subscriber) -> Bool {
        guard case .enqueued = subscriber.continuation.yield(.overflow(pbx: pbx, dropped: subscriber.dropped)) else { return false }
        logger.warning("AMI consumer fell behind; it must resync", metadata: ["dropped": "\(subscriber.dropped)"])
        subscriber.dropped = 0
        lagging -= 1
        return true
    }

    private func connect() {
        let host = configuration.host, port = configuration.port
        let timeout = TimeAmount.nanoseconds(Int64(configuration.connectTimeout.nanoseconds))
        let maxMessageSize = configuration.maxMessageSize
        logger.debug("AMI connecting", metadata: ["host": "\(host)", "port": "\(port)"])
        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AMIChannelHandler(client: self, maxMessageSize: maxMessageSize))
                }
            }
            .connect(host: host, port: port)
            .whenFailure { error in
                self.perform(self.machine.channelClosed(reason: "\(error)", jitter: Double.random(in: 0...1)))
                if self.machine.state == .shutDown { self.finish() }
            }
    }

    private func shutdownNow() {
        reconnect?.cancel()
        reconnect = nil
        let outputs = machine.shutdownRequested()
        perform(outputs)
        if machine.state == .closing, let channel {
            // Asterisk answers Logoff with Goodbye and closes; do not wait for ever.
            eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
        }
        if machine.state == .shutDown, channel == nil { finish() }
    }

    private func finish() {
        keepalive?.cancel()
        metrics.connected.record(0)
        for subscriber in subscribers.values { subscriber.continuation.finish() }
        subscribers.removeAll()
        finished?.succeed()
        finished = nil
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
