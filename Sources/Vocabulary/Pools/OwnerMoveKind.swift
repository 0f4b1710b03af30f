/// Why a customer changed hands; every move is kept in the customer's owner history.
public enum OwnerMoveKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A supervisor or admin gave the customer to another owner.
    case reassigned
    /// An escalation gave a stale lead to a more senior rep or the manager.
    case escalated
    /// The owner left and their customers went to a colleague or the team pool.
    case handover
    /// An agent claimed the customer from a pool.
    case claimed
    /// The owner (or a supervisor) put the customer back into the team pool.
    case released
    /// A claimed customer without progress went back to the pool.
    case recycled
    /// The customer's leads became C and the customer went to the marketing pool.
    case marketing
    /// An import without an owner put the customer into a pool.
    case imported
}
