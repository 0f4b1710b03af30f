import Telephony

/// One customer as a search or duplicate listing shows it: name, phones, grade and owner.
public struct CustomerSummary: Sendable, Hashable, Codable {
    public let id: Int
    public let name: String
    public let kind: CustomerKind
    public let phones: [PhoneNumber]
    public let grade: LeadGrade?
    /// Nobody while the customer is in a pool (公海).
    public let ownerID: Int?
    public let ownerName: String?
}
