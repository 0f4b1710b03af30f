import Foundation
import SQLKit

extension CRMStore {
    /// Merges `dropID` into `keepID` for a supervisor or admin who may see both (`forbidden` for an
    /// agent, not found outside their reach). The grade that survives is the one set most recently
    /// among both customers' leads: the newest word on how warm the customer is wins, and the change
    /// is kept in the grade history ("merge").
    public func mergeCustomers(keep keepID: Int, drop dropID: Int, by actor: User) async throws -> MergeReport {
        guard actor.role != .agent else { throw CRMError.forbidden("merging customers is for supervisors and admins") }
        try await database.withConnection { sql in
            try await requireWritable(keepID, by: actor, in: sql)
            try await requireWritable(dropID, by: actor, in: sql)
        }
        let report = try await merge(keep: keepID, drop: dropID, actor: actor.id)
        try await database.withTransaction { sql in
            struct Lead: Decodable { let id: Int; let grade: LeadGrade; let gradedAt: Date }
            let leads = try await sql.select().columns("id", "grade", "graded_at").from("leads").where("customer_id", .equal, keepID)
                .orderBy("id").all(decoding: Lead.self, keyDecodingStrategy: .convertFromSnakeCase)
            guard let current = leads.last, let newest = leads.max(by: { ($0.gradedAt, $0.id) < ($1.gradedAt, $1.id) }),
                  newest.grade != current.grade else { return }
            try await regrade(customerID: keepID, to: newest.grade, by: actor.id, reason: "merge: grade set most recently, from customer \(dropID)", in: sql)
        }
        return report
    }

    /// Gives a customer to another owner within the actor's reach (supervisors and admins), with the history in the audit log.
    public func reassignCustomer(_ customerID: Int, to ownerID: Int, reason: String, by actor: User) async throws {
        guard actor.role != .agent else { throw CRMError.forbidden("reassigning customers is for supervisors and admins") }
        try await database.withConnection { sql in
            try await requireWritable(customerID, by: actor, in: sql)
            let team = try await sql.select().column("team_id").from("users").where("id", .equal, ownerID).where("disabled_at", .is, SQLLiteral.null)
                .first(decodingColumn: "team_id", as: Int?.self)
            guard let team, actor.access.mayView(customerOwnedBy: ownerID, ownerTeam: team) else {
                throw CRMError.invalidInput(field: "ownerId", value: "\(ownerID)", reason: "is not an active user within your reach")
            }
        }
        try await reassignOwner(customerID: customerID, to: ownerID, actor: actor.id, reason: reason)
    }
}
