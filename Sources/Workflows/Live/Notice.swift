import CRM
import Foundation
import Vocabulary

/// A notification as a live page gets it (`"event": "notification"`).
public struct Notice: Sendable, Hashable, Codable {
    public var event = "notification"
    public let id: Int
    public let kind: NotificationKind
    public let entity: String
    public let entityId: Int
    public let customerId: Int?
    public let message: String
    public let createdAt: Date

    public init(_ record: NotificationRecord) {
        (id, kind, entity, entityId, customerId, message, createdAt) =
            (record.id, record.kind, record.entity, record.entityId, record.customerId, record.message, record.createdAt)
    }
}
