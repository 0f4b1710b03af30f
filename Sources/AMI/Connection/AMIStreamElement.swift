import Foundation

/// What an event subscriber receives: events, and the connection changes that require a resync.
public enum AMIStreamElement: Sendable {
    /// Logged in (again). State owners resync now (`CoreShowChannels`, `QueueStatus`): events may
    /// have been missed while disconnected. `generation` counts logins since start.
    case connected(pbx: String, generation: Int)
    case event(AMIEvent)
    /// Events that arrived in one read from the socket, in order (to subscribers that asked for batches).
    case events([AMIEvent])
    /// The connection dropped; events will resume after the next `connected`.
    case disconnected(pbx: String, reason: String)
    /// A connection attempt failed (refused, authentication, not Asterisk); a retry follows.
    case connectionFailed(pbx: String, error: AMIError)
    /// This subscriber fell behind and `dropped` events were lost: resync as after `connected`.
    case overflow(pbx: String, dropped: Int)
}

/// An event from one PBX, with when it arrived.
public struct AMIEvent: Sendable, Hashable {
    public let pbx: String
    public let message: AMIMessage
    public let receivedAt: Date
    /// When it arrived on the monotonic clock: what latencies are measured from.
    public let arrivedAt: ContinuousClock.Instant

    public init(pbx: String, message: AMIMessage, receivedAt: Date, arrivedAt: ContinuousClock.Instant = .now) {
        self.pbx = pbx
        self.message = message
        self.receivedAt = receivedAt
        self.arrivedAt = arrivedAt
    }

    public var name: String { message.eventName ?? "" }

    /// The event's own `Timestamp:` when present, else its arrival time.
    public var time: Date { message.timestamp ?? receivedAt }
}
