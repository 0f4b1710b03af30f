/// The two kinds of customer pool (公海): customers without an owner, kept per team (or for the whole
/// centre when no team is named), and the marketing pool where C leads wait for campaigns.
public enum PoolKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Customers nobody owns, for the team's agents to claim.
    case team
    /// Customers whose leads are C ("just looking"): no personal task, marketing campaigns reach them.
    case marketing
}
