/// A channel was created.
public struct NewchannelEvent: AMIChannelEvent {
    public static let eventName = "Newchannel"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }
}

/// A channel changed state (ringing, up, …).
public struct NewstateEvent: AMIChannelEvent {
    public static let eventName = "Newstate"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }
}

/// A channel's caller ID changed.
public struct NewCalleridEvent: AMIChannelEvent {
    public static let eventName = "NewCallerid"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }
}

/// A channel's connected line (the other party) changed.
public struct NewConnectedLineEvent: AMIChannelEvent {
    public static let eventName = "NewConnectedLine"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }
}

/// A channel hung up, with its Q.850 cause.
public struct HangupEvent: AMIChannelEvent {
    public static let eventName = "Hangup"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    /// Q.850 cause code (16 normal clearing, 17 busy, 19 no answer, 34 congestion, …).
    public var cause: Int? { message["Cause"].flatMap(Int.init) }
    public var causeText: String? { message["Cause-txt"] }
}
