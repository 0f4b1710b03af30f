import Foundation
import Metrics
import Synchronization

/// The one place live messages go through: the call log publishes screen-pops to an agent's
/// topic, and later the queue monitor to a queue's or a team's; every page, socket and terminal
/// subscribes to the topics it may see.
///
/// Publishing never waits: each subscriber has a bounded buffer, and one that falls behind gets a
/// `.resync` marker and the retained state instead of a silent gap. Retained messages (a card
/// still ringing) are replayed to every new subscriber of their topic, oldest first.
public final class LiveHub: Sendable {
    private struct Retained {
        var sequence: Int
        var message: LiveMessage
    }

    private struct State {
        var subscriptions: [UUID: LiveSubscription] = [:]
        var byTopic: [LiveTopic: Set<UUID>] = [:]
        var retained: [LiveTopic: [String: Retained]] = [:]
        var sequence = 0

        func snapshot(of topics: Set<LiveTopic>) -> [LiveMessage] {
            topics.flatMap { retained[$0]?.values.map { $0 } ?? [] }.sorted { $0.sequence < $1.sequence }.map(\.message)
        }
    }

    private let state = Mutex(State())
    private let bufferSize: Int
    private let openSubscriptions: Gauge
    private let retainedMessages: Gauge
    private let dropped: Counter

    /// `bufferSize`: messages a subscriber may fall behind before it is resynced. `metrics` gets
    /// `calldesk_live_subscriptions`, `calldesk_live_retained` and `calldesk_live_dropped_total`.
    public init(bufferSize: Int = 256, metrics: any MetricsFactory = MetricsSystem.factory) {
        self.bufferSize = bufferSize
        openSubscriptions = Gauge(label: "calldesk_live_subscriptions", factory: metrics)
        retainedMessages = Gauge(label: "calldesk_live_retained", factory: metrics)
        dropped = Counter(label: "calldesk_live_dropped_total", factory: metrics)
    }

    /// A new subscription to `topics`; the messages retained for them come first.
    public func subscribe(_ topics: Set<LiveTopic>) -> LiveSubscription {
        let subscription = LiveSubscription(topics: topics, capacity: bufferSize)
        let count = state.withLock { state -> Int in
            state.subscriptions[subscription.id] = subscription
            for topic in topics { state.byTopic[topic, default: []].insert(subscription.id) }
            for message in state.snapshot(of: topics) { _ = subscription.deliver(message) { [] } }
            return state.subscriptions.count
        }
        openSubscriptions.record(count)
        return subscription
    }

    /// Ends a subscription (its reader gets `nil`); safe to call more than once.
    public func unsubscribe(_ subscription: LiveSubscription) {
        let count = state.withLock { state -> Int in
            if state.subscriptions.removeValue(forKey: subscription.id) != nil {
                for topic in subscription.topics {
                    state.byTopic[topic]?.remove(subscription.id)
                    if state.byTopic[topic]?.isEmpty == true { state.byTopic[topic] = nil }
                }
            }
            return state.subscriptions.count
        }
        subscription.finish()
        openSubscriptions.record(count)
    }

    /// Runs `body` with a subscription that ends when `body` returns or throws, however it ends.
    public func withSubscription<T: Sendable>(_ topics: Set<LiveTopic>, _ body: (LiveSubscription) async throws -> T) async throws -> T {
        let subscription = subscribe(topics)
        defer { unsubscribe(subscription) }
        return try await body(subscription)
    }

    /// Delivers `message` to every subscriber of `topic`, keeping or releasing it as `retention` says.
    public func publish(_ message: LiveMessage, to topic: LiveTopic, retention: LiveRetention = .none) {
        let (lost, retainedCount) = state.withLock { state -> (Int, Int?) in
            var retainedCount: Int?
            switch retention {
            case .none:
                break
            case .keep(let key):
                state.sequence += 1
                state.retained[topic, default: [:]][key] = Retained(sequence: state.sequence, message: message)
                retainedCount = state.retained.values.reduce(0) { $0 + $1.count }
            case .release(let key):
                if state.retained[topic]?.removeValue(forKey: key) != nil {
                    if state.retained[topic]?.isEmpty == true { state.retained[topic] = nil }
                    retainedCount = state.retained.values.reduce(0) { $0 + $1.count }
                }
            }
            var lost = 0
            for id in state.byTopic[topic] ?? [] {
                guard let subscription = state.subscriptions[id] else { continue }
                lost += subscription.deliver(message) { state.snapshot(of: subscription.topics) }
            }
            return (lost, retainedCount)
        }
        if lost > 0 { dropped.increment(by: lost) }
        if let retainedCount { retainedMessages.record(retainedCount) }
    }

    /// Open subscriptions.
    public var subscriptionCount: Int { state.withLock { $0.subscriptions.count } }

    /// Agents with at least one subscriber to their topic.
    public var connectedAgents: Set<Int> {
        state.withLock { state in Set(state.byTopic.keys.compactMap { if case .agent(let id) = $0 { id } else { nil } }) }
    }

    /// Messages kept for later subscribers (for an agent: the cards ringing them now).
    public func retainedCount(for topic: LiveTopic) -> Int { state.withLock { $0.retained[topic]?.count ?? 0 } }
}
