import Foundation

/// One line of the audit log: an ownership change, merge or deletion, with who did it and when.
public struct AuditEntry: Sendable, Hashable, Codable {
    public let id: Int
    public let at: Date
    public let actorId: Int?
    public let action: String
    public let entity: String
    public let entityId: Int
    /// JSON object with the change's particulars (old and new owner, merged ids, …).
    public let details: String?
}
