import Foundation
import Vocabulary

/// A request that waits for a manager: closing a lead as lost, cancelling a call task.
public struct ApprovalRecord: Sendable, Hashable, Decodable {
    public let id: Int
    public let kind: ApprovalKind
    /// The lead or task the request is about.
    public let subjectId: Int
    public let customerId: Int?
    public let reason: String
    public let status: ApprovalStatus
    public let requestedBy: Int
    public let requestedAt: Date
    public let decidedBy: Int?
    public let decidedAt: Date?
    public let note: String?
}
