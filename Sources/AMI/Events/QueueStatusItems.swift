/// `QueueStatus` list item: a queue's counters.
public struct QueueParamsItem: AMITypedEvent {
    public static let eventName = "QueueParams"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var queue: String? { message["Queue"] }
    public var strategy: String? { message["Strategy"] }
    public var calls: Int? { message["Calls"].flatMap(Int.init) }
    public var completed: Int? { message["Completed"].flatMap(Int.init) }
    public var abandoned: Int? { message["Abandoned"].flatMap(Int.init) }
    /// Average hold time in seconds.
    public var holdTime: Int? { message["Holdtime"].flatMap(Int.init) }
}

/// `QueueStatus` list item: one member of a queue (note `Name`/`Location`, not `MemberName`/`Interface`).
public struct QueueMemberItem: AMITypedEvent {
    public static let eventName = "QueueMember"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var queue: String? { message["Queue"] }
    public var memberName: String? { message["Name"] }
    public var interface: String? { message["Location"] }
    public var isPaused: Bool { message["Paused"] == "1" }
    public var inCall: Bool { message["InCall"] == "1" }
    public var status: Int? { message["Status"].flatMap(Int.init) }
}

/// `QueueStatus` list item: a caller waiting in a queue.
public struct QueueEntryItem: AMITypedEvent {
    public static let eventName = "QueueEntry"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var queue: String? { message["Queue"] }
    public var position: Int? { message["Position"].flatMap(Int.init) }
    public var channel: String? { message["Channel"] }
    public var uniqueID: String? { message["Uniqueid"] }
    public var callerIDNumber: String? { message["CallerIDNum"] }
    /// Seconds waited so far.
    public var wait: Int? { message["Wait"].flatMap(Int.init) }
}

/// `CoreShowChannels` list item: one live channel.
public struct CoreShowChannelItem: AMIChannelEvent {
    public static let eventName = "CoreShowChannel"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var application: String? { message["Application"] }
    public var bridgeID: String? { message["BridgeId"].flatMap { $0.isEmpty ? nil : $0 } }
    /// `HH:MM:SS` since the channel was created.
    public var duration: String? { message["Duration"] }
}
