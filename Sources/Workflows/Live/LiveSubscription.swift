import Foundation
import Synchronization

/// One subscriber's messages from the `LiveHub`, in order, as an async sequence.
///
/// Its buffer is bounded: a subscriber that falls `capacity` messages behind loses what it had
/// not read and gets `.resync(dropped:)` next, followed by the current retained state. It never
/// loses a message silently.
public final class LiveSubscription: AsyncSequence, Sendable {
    public typealias Element = LiveMessage

    public let id: UUID
    public let topics: Set<LiveTopic>
    private let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var queue: [LiveMessage] = []
        var head = 0
        var dropped = 0
        var finished = false
        var waiter: CheckedContinuation<LiveMessage?, Never>?

        var pending: Int { queue.count - head }

        mutating func take() -> LiveMessage? {
            guard head < queue.count else { return nil }
            let message = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            return message
        }
    }

    init(topics: Set<LiveTopic>, capacity: Int) {
        id = UUID()
        self.topics = topics
        self.capacity = Swift.max(1, capacity)
    }

    /// Hands `message` to the subscriber; when its buffer is full, replaces what it holds with a
    /// resync marker and `snapshot()`. Returns how many messages were lost (0 when none).
    func deliver(_ message: LiveMessage, snapshot: () -> [LiveMessage]) -> Int {
        let (waiter, lost) = state.withLock { state -> (CheckedContinuation<LiveMessage?, Never>?, Int) in
            guard !state.finished else { return (nil, 0) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (waiter, 0)
            }
            guard state.pending >= capacity else {
                state.queue.append(message)
                return (nil, 0)
            }
            // Unread messages are worth nothing once the marker says "start afresh": drop them all.
            let lost = state.pending + 1
            state.dropped += lost
            state.queue = [.resync(dropped: state.dropped)] + snapshot()
            state.head = 0
            return (nil, lost)
        }
        waiter?.resume(returning: message)
        return lost
    }

    /// Ends the sequence: a reader waiting gets `nil`, later reads too.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<LiveMessage?, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next message, waiting for one; `nil` once finished or when the reading task is cancelled.
    func next() async -> LiveMessage? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> LiveMessage?? in
                    if let message = state.take() {
                        if case .resync = message { state.dropped = 0 }
                        return .some(message)
                    }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            finish()
        }
    }

    /// Reads the subscription in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let subscription: LiveSubscription
        public mutating func next() async -> LiveMessage? { await subscription.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(subscription: self) }
}
