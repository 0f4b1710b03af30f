import Foundation
import Vocabulary

/// One change of a customer's hands, as the owner history keeps it: from whom to whom (nobody is a
/// pool), which pool and team, who made it, why and when.
public struct OwnerMove: Sendable, Hashable, Decodable {
    public var customerId: Int
    public var kind: OwnerMoveKind
    public var fromUser: Int?
    public var toUser: Int?
    /// The pool the customer went into or came from.
    public var pool: PoolKind?
    /// The team whose pool it is (none: the centre's).
    public var teamId: Int?
    public var byUser: Int?
    public var reason: String?
    public var movedAt: Date

    public init(customerID: Int, kind: OwnerMoveKind, from: Int? = nil, to: Int? = nil, pool: PoolKind? = nil, teamID: Int? = nil,
                by: Int? = nil, reason: String? = nil, movedAt: Date = Date()) {
        (self.customerId, self.kind, self.fromUser, self.toUser, self.pool) = (customerID, kind, from, to, pool)
        (self.teamId, self.byUser, self.reason, self.movedAt) = (teamID, by, reason, movedAt)
    }
}
