/// Asterisk finished starting (also sent right after login).
public struct FullyBootedEvent: AMITypedEvent {
    public static let eventName = "FullyBooted"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    public var uptime: Int? { message["Uptime"].flatMap(Int.init) }
}

/// Asterisk is stopping; the socket closes next.
public struct ShutdownEvent: AMITypedEvent {
    public static let eventName = "Shutdown"
    public let message: AMIMessage
    public init(unchecked message: AMIMessage) { self.message = message }

    /// `Cleanly` or `Uncleanly`.
    public var shutdown: String? { message["Shutdown"] }
    public var isRestart: Bool { message["Restart"]?.lowercased() == "true" }
}
