/// A channel entered a bridge (two parties talking).
public struct BridgeEnterEvent: AMIChannelEvent {
    public static let eventName = "BridgeEnter"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var bridgeID: String? { message["BridgeUniqueid"] }
    public var channelsInBridge: Int? { message["BridgeNumChannels"].flatMap(Int.init) }
}

/// A channel left a bridge.
public struct BridgeLeaveEvent: AMIChannelEvent {
    public static let eventName = "BridgeLeave"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var bridgeID: String? { message["BridgeUniqueid"] }
    public var channelsInBridge: Int? { message["BridgeNumChannels"].flatMap(Int.init) }
}
