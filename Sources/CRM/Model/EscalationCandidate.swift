import Foundation
import Vocabulary

/// Something past an escalation threshold, as the store found it: the rule, the record, its owner
/// and team, and the key under which it is escalated once.
public struct EscalationCandidate: Sendable, Hashable {
    public let rule: EscalationRule
    /// `lead`, `task` or `approval`.
    public let entity: String
    public let entityID: Int
    public let customerID: Int?
    /// The customer's name, for the message.
    public let customerName: String?
    /// Who holds it now (the lead's or task's owner, the request's requester).
    public let ownerID: Int?
    public let teamID: Int?
    /// Unique per record and period: `rule:entity:id[:epoch]`.
    public let key: String

    public init(rule: EscalationRule, entity: String, entityID: Int, customerID: Int?, customerName: String?, ownerID: Int?, teamID: Int?, key: String) {
        (self.rule, self.entity, self.entityID, self.customerID, self.customerName) = (rule, entity, entityID, customerID, customerName)
        (self.ownerID, self.teamID, self.key) = (ownerID, teamID, key)
    }
}

/// An active user as escalation sees the team: who is more senior, who carries how much.
public struct TeamMember: Sendable, Hashable, Decodable {
    public let id: Int
    public let role: UserRole
    public let teamId: Int?
    public let seniority: Int
    /// Open tasks and open leads they hold.
    public let load: Int

    public init(id: Int, role: UserRole, teamId: Int?, seniority: Int, load: Int) {
        (self.id, self.role, self.teamId, self.seniority, self.load) = (id, role, teamId, seniority, load)
    }
}
