import Foundation

/// One member of one queue as Asterisk reports it.
public struct QueueMemberState: Sendable, Hashable {
    public let interface: String
    public var name: String?
    public var paused: Bool
    public var pausedReason: String?
    public var pausedSince: Date?
    /// Asterisk's device status: 1 not in use, 2 in use, 3 busy, 4 invalid, 5 unavailable, 6 ringing, 7 ring+in use, 8 on hold.
    public var status: Int
    public var inCall: Bool
    /// Seconds of wrap-up after each call (`Wrapuptime`), 0 for none.
    public var wrapUpSeconds: Int
}
