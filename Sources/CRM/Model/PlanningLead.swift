import Foundation

/// An open lead as follow-up planning reads it.
public struct PlanningLead: Sendable, Hashable, Decodable {
    public let id: Int
    public let customerId: Int
    public let ownerId: Int
    public let grade: LeadGrade
    public let gradedAt: Date
    public let lastProgressAt: Date
    /// Whether the lead's customer has an open follow-up task already.
    public let hasOpenFollowUp: Bool
    /// The customer's time zone (IANA), when it is not the centre's.
    public var timeZone: String? = nil
}
