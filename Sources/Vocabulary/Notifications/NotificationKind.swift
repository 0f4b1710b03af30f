/// Why someone is told something on their console.
public enum NotificationKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A lead, customer or task was moved to you.
    case reassigned
    /// A request waits for your decision (you are the requester's manager).
    case approvalNeeded = "approval_needed"
    /// A manager decided your request.
    case approvalDecided = "approval_decided"
    /// Something of your team's crossed an escalation threshold.
    case escalated
}
