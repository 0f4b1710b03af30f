/// The kinds of task the CRM knows.
public enum TaskKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Call back a caller whose inbound call was abandoned or not answered.
    case callback
    /// An open customer complaint to resolve.
    case complaint
    /// A scheduled follow-up call by lead grade.
    case followUp = "follow_up"
}
