/// Where a request to a manager stands.
public enum ApprovalStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending
    case approved
    case rejected
}
