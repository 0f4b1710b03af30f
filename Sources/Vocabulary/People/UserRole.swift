/// What a CallDesk user may do: agents see their own customers, supervisors their team's and the queues, admins everything.
public enum UserRole: String, Sendable, Codable, CaseIterable {
    case agent, supervisor, admin
}
