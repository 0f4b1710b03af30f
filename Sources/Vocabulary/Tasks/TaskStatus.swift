/// Where a task stands.
public enum TaskStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// To do.
    case open
    /// Done, with a result.
    case done
    /// Cancelled (with a manager's approval for call tasks).
    case cancelled
}
