import Foundation
import Vocabulary

/// A task as a work list shows it: what, for whom, whose, when due, and the call it came from.
public struct TaskItem: Sendable, Hashable, Codable {
    public let id: Int
    public let kind: TaskKind
    public let status: TaskStatus
    public let customerID: Int?
    public let customerName: String?
    public let ownerID: Int?
    public let dueAt: Date
    public let note: String?
    public let callID: Int?
    /// 0 low (birthdays) to 4 (a renewal 7 days before expiry).
    public let priority: Int

    enum CodingKeys: String, CodingKey {
        case id, kind, status, customerName, dueAt, note, priority
        case customerID = "customerId", ownerID = "ownerId", callID = "callId"
    }
}
