/// The kinds of task the CRM knows.
public enum TaskKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Call back a caller whose inbound call was abandoned or not answered.
    case callback
    /// An open customer complaint to resolve.
    case complaint
    /// A scheduled follow-up call by lead grade.
    case followUp = "follow_up"
    /// An insurance renewal call before a policy expires (90, 60, 30 and 7 days).
    case renewal
    /// One call to win back a customer whose policy lapsed.
    case winBack = "win_back"
    /// A birthday greeting to a customer's contact, this month.
    case birthday
}
