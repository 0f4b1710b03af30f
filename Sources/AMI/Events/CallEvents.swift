/// The result of an `Async: true` Originate, carrying the Originate's ActionID.
public struct OriginateResponseEvent: AMITypedEvent {
    public static let eventName = "OriginateResponse"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    /// `Success` or `Failure`.
    public var response: String? { message["Response"] }
    /// Asterisk's outbound reason: 0 failed, 1 hung up, 3 ringing timeout (no answer), 4 answered, 5 busy, 8 congestion.
    public var reason: Int? { message["Reason"].flatMap(Int.init) }
    public var channel: String? { message["Channel"] }
    public var uniqueID: String? { message["Uniqueid"] }
}

/// A call detail record from cdr_manager.
public struct CdrEvent: AMITypedEvent {
    public static let eventName = "Cdr"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var source: String? { message["Source"] }
    public var destination: String? { message["Destination"] }
    public var channel: String? { message["Channel"] }
    public var destinationChannel: String? { message["DestinationChannel"] }
    /// `ANSWERED`, `NO ANSWER`, `BUSY`, `FAILED`, `CONGESTION`.
    public var disposition: String? { message["Disposition"] }
    public var duration: Int? { message["Duration"].flatMap(Int.init) }
    public var billableSeconds: Int? { message["BillableSeconds"].flatMap(Int.init) }
    public var uniqueID: String? { message["UniqueID"] }
    public var startTime: String? { message["StartTime"] }
    public var answerTime: String? { message["AnswerTime"].flatMap { $0.isEmpty ? nil : $0 } }
    public var endTime: String? { message["EndTime"] }
}

/// Recording started on a channel.
public struct MixMonitorStartEvent: AMIChannelEvent {
    public static let eventName = "MixMonitorStart"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }
}

/// Recording stopped on a channel.
public struct MixMonitorStopEvent: AMIChannelEvent {
    public static let eventName = "MixMonitorStop"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }
}
