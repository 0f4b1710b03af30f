import Foundation
import Vocabulary

/// Something one user is told on their console: what happened, about which record, and whether they read it.
public struct NotificationRecord: Sendable, Hashable, Decodable {
    public let id: Int
    public let userId: Int
    public let kind: NotificationKind
    /// The record it is about: `lead`, `task`, `customer`, `approval` or `user` (a colleague's handover).
    public let entity: String
    public let entityId: Int
    public let customerId: Int?
    public let message: String
    public let createdAt: Date
    public let readAt: Date?
}
