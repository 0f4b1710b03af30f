/// The standard block of channel fields Asterisk puts in channel events, optionally with a
/// prefix (`Dest…` for the called side of dial and agent events).
public struct AMIChannelSnapshot: Sendable, Hashable {
    public let message: AMIMessage
    public let prefix: String

    public init(_ message: AMIMessage, prefix: String = "") {
        self.message = message
        self.prefix = prefix
    }

    private func field(_ name: String) -> String? { message[prefix.isEmpty ? name : prefix + name] }

    public var name: String? { field("Channel") }
    /// Numeric channel state (`0` down, `4` ring, `5` ringing, `6` up).
    public var state: Int? { field("ChannelState").flatMap(Int.init) }
    public var stateDescription: String? { field("ChannelStateDesc") }
    public var callerIDNumber: String? { field("CallerIDNum") }
    public var callerIDName: String? { field("CallerIDName") }
    public var connectedLineNumber: String? { field("ConnectedLineNum") }
    public var connectedLineName: String? { field("ConnectedLineName") }
    public var context: String? { field("Context") }
    public var exten: String? { field("Exten") }
    public var uniqueID: String? { field("Uniqueid") }
    /// Ties together every leg of one call.
    public var linkedID: String? { field("Linkedid") }
    public var accountCode: String? { field("AccountCode") }
}
