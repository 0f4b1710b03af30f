/// A typed, read-only view of one AMI event kind over its `AMIMessage`.
///
/// Views read their fields lazily; the message stays the single source of truth.
public protocol AMITypedEvent: Sendable {
    static var eventName: String { get }
    var message: AMIMessage { get }
    init(unchecked message: AMIMessage)
}

extension AMITypedEvent {
    /// The view, if `message` is this kind of event.
    public init?(_ message: AMIMessage) {
        guard message.eventName?.caseInsensitiveEquals(Self.eventName) == true else { return nil }
        self.init(unchecked: message)
    }

    public var actionID: String? { message.actionID }
}

extension AMIMessage {
    /// This message as a typed event view, or `nil` when it is another kind.
    public func `as`<Event: AMITypedEvent>(_ type: Event.Type) -> Event? {
        Event(self)
    }
}

/// Events that describe one channel with the standard channel block (`Channel`, `Uniqueid`, `Linkedid`, …).
public protocol AMIChannelEvent: AMITypedEvent {}

extension AMIChannelEvent {
    public var channel: AMIChannelSnapshot { AMIChannelSnapshot(message) }
}

/// Queue events about a caller channel and the agent channel (`Dest…`) it rings or talks to.
public protocol AMIAgentEvent: AMIChannelEvent {}

extension AMIAgentEvent {
    /// The member's channel (`DestChannel`, e.g. `Local/1001@agents-…;1` or `PJSIP/1001-…`).
    public var agentChannel: AMIChannelSnapshot { AMIChannelSnapshot(message, prefix: "Dest") }
    public var queue: String? { message["Queue"] }
    /// The queue member's interface, e.g. `Local/1001@agents/n` or `PJSIP/1001`.
    public var interface: String? { message["Interface"] }
    public var memberName: String? { message["MemberName"] }
}

/// Events about a caller waiting in a queue.
public protocol AMIQueueCallerEvent: AMIChannelEvent {}

extension AMIQueueCallerEvent {
    public var queue: String? { message["Queue"] }
    public var position: Int? { message["Position"].flatMap(Int.init) }
}
