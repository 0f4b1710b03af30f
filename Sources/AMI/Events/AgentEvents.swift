/// A queue member's device is being rung for a caller: the moment to screen-pop.
public struct AgentCalledEvent: AMIAgentEvent {
    public static let eventName = "AgentCalled"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }
}

/// A queue member answered the caller.
public struct AgentConnectEvent: AMIAgentEvent {
    public static let eventName = "AgentConnect"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    /// Seconds the caller waited before the answer.
    public var holdTime: Int? { message["HoldTime"].flatMap(Int.init) }
    /// Milliseconds the member's device rang.
    public var ringTime: Int? { message["RingTime"].flatMap(Int.init) }
}

/// A queue call that a member answered has ended.
public struct AgentCompleteEvent: AMIAgentEvent {
    public static let eventName = "AgentComplete"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var holdTime: Int? { message["HoldTime"].flatMap(Int.init) }
    /// Seconds of conversation.
    public var talkTime: Int? { message["TalkTime"].flatMap(Int.init) }
    /// Who hung up: `caller`, `agent` or `transfer`.
    public var reason: String? { message["Reason"] }
}

/// A member's device rang without being answered.
public struct AgentRingNoAnswerEvent: AMIAgentEvent {
    public static let eventName = "AgentRingNoAnswer"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    /// Milliseconds it rang.
    public var ringTime: Int? { message["RingTime"].flatMap(Int.init) }
}
