import Foundation
import Vocabulary

/// A chance of a sale with one customer: its grade (how soon they buy), stage, and grade history.
public struct LeadRecord: Sendable, Hashable, Decodable {
    public let id: Int
    public let customerId: Int
    /// Nobody while the customer is in a pool (公海).
    public let ownerId: Int?
    public let grade: LeadGrade
    public let stage: LeadStage
    /// The last real progress: a connected call with a result, a visit, a change of stage or grade.
    public let lastProgressAt: Date
    public let closedAt: Date?
    public let closeReason: String?
    /// Oldest first.
    public var history: [GradeChange] = []

    /// One change of grade: who, when, from, to and why.
    public struct GradeChange: Sendable, Hashable, Decodable {
        public let previousGrade: LeadGrade?
        public let grade: LeadGrade
        public let changedBy: Int?
        public let reason: String?
        public let changedAt: Date
    }

    enum CodingKeys: String, CodingKey {
        case id, customerId, ownerId, grade, stage, lastProgressAt, closedAt, closeReason
    }
}
