/// A dial attempt started towards `DestChannel`; the calling side may be absent for originates.
public struct DialBeginEvent: AMIChannelEvent {
    public static let eventName = "DialBegin"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var destination: AMIChannelSnapshot { AMIChannelSnapshot(message, prefix: "Dest") }
    public var dialString: String? { message["DialString"] }
}

/// A dial attempt ended with `DialStatus` (ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION, CHANUNAVAIL).
public struct DialEndEvent: AMIChannelEvent {
    public static let eventName = "DialEnd"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var destination: AMIChannelSnapshot { AMIChannelSnapshot(message, prefix: "Dest") }
    public var dialStatus: String? { message["DialStatus"] }
}
