import Foundation

/// One agent's phone as the queues see it: its interface, the queues it is in, and what it is doing.
public struct MonitoredAgent: Sendable, Hashable {
    /// The member interface (`PJSIP/1001`, `Local/1001@agents/n`).
    public let interface: String
    public var name: String?
    /// The extension read from the interface, which ties it to a CallDesk user.
    public var `extension`: String?
    public var queues: [String]
    public var activity: AgentActivity
}
