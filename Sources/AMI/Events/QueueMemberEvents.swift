/// Fields every queue-member event carries: who, where, and whether paused or busy.
public protocol AMIQueueMemberEvent: AMITypedEvent {}

extension AMIQueueMemberEvent {
    public var queue: String? { message["Queue"] }
    public var memberName: String? { message["MemberName"] }
    public var interface: String? { message["Interface"] }
    public var isPaused: Bool { message["Paused"] == "1" }
    public var pausedReason: String? { message["PausedReason"].flatMap { $0.isEmpty ? nil : $0 } }
    public var inCall: Bool { message["InCall"] == "1" }
    /// Device status: 1 not in use, 2 in use, 3 busy, 4 invalid, 5 unavailable, 6 ringing, …
    public var status: Int? { message["Status"].flatMap(Int.init) }
}

/// A member was added to a queue.
public struct QueueMemberAddedEvent: AMIQueueMemberEvent {
    public static let eventName = "QueueMemberAdded"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }
}

/// A member was removed from a queue.
public struct QueueMemberRemovedEvent: AMIQueueMemberEvent {
    public static let eventName = "QueueMemberRemoved"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }
}

/// A member was paused or unpaused.
public struct QueueMemberPauseEvent: AMIQueueMemberEvent {
    public static let eventName = "QueueMemberPause"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }
}

/// A member's device state changed.
public struct QueueMemberStatusEvent: AMIQueueMemberEvent {
    public static let eventName = "QueueMemberStatus"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }
}
