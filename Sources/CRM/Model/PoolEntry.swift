import Foundation
import Vocabulary

/// A customer waiting in a pool: who it is, which pool and team keeps it, since when, and who had it last.
public struct PoolEntry: Sendable, Hashable {
    public let customer: CustomerSummary
    public let pool: PoolKind
    /// The team whose pool keeps it (none: the centre's).
    public let teamID: Int?
    public let pooledAt: Date
    public let lastOwnerID: Int?
}
