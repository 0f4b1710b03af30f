/// A caller entered a queue.
public struct QueueCallerJoinEvent: AMIQueueCallerEvent {
    public static let eventName = "QueueCallerJoin"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var count: Int? { message["Count"].flatMap(Int.init) }
}

/// A caller left a queue (answered or gone).
public struct QueueCallerLeaveEvent: AMIQueueCallerEvent {
    public static let eventName = "QueueCallerLeave"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var count: Int? { message["Count"].flatMap(Int.init) }
}

/// A caller hung up while still waiting in the queue.
public struct QueueCallerAbandonEvent: AMIQueueCallerEvent {
    public static let eventName = "QueueCallerAbandon"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var originalPosition: Int? { message["OriginalPosition"].flatMap(Int.init) }
    /// Seconds the caller waited.
    public var holdTime: Int? { message["HoldTime"].flatMap(Int.init) }
}
