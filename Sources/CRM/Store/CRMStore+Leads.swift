import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// Opens a new lead for a customer `actor` may change, owned by the customer's owner; audited.
    public func createLead(customerID: Int, grade: LeadGrade, reason: String?, by actor: User) async throws -> LeadRecord {
        try await database.withTransaction { sql in
            try await requireWritable(customerID, by: actor, in: sql)
            let owner = try await ownership(of: customerID, in: sql)?.ownerID ?? actor.id
            let id = try await insertLead(customerID: customerID, grade: grade, ownerID: owner, reason: reason ?? "created", by: actor.id, in: sql)
            try await audit(sql, actor: actor.id, action: "create", entity: "lead", entityID: id,
                            details: ["after.customer": "\(customerID)", "after.grade": grade.rawValue])
            return try await requireLead(id, visibleTo: actor, in: sql)
        }
    }

    /// One lead within `viewer`'s reach, with its grade history.
    public func lead(_ id: Int, visibleTo viewer: User) async throws -> LeadRecord {
        try await database.withConnection { sql in try await requireLead(id, visibleTo: viewer, in: sql) }
    }

    /// Moves an open lead to another open stage; progress, audited.
    public func setStage(ofLead id: Int, to stage: LeadStage, by actor: User) async throws -> LeadRecord {
        guard !stage.isClosed else {
            throw CRMError.invalidInput(field: "stage", value: stage.rawValue, reason: "won and lost close a lead: use close")
        }
        return try await database.withTransaction { sql in
            let lead = try await requireOpenLead(id, by: actor, in: sql)
            guard lead.stage != stage else { return lead }
            try await sql.update("leads").set("stage", to: stage.rawValue).set("last_progress_at", to: Date()).where("id", .equal, id).run()
            try await audit(sql, actor: actor.id, action: "stage", entity: "lead", entityID: id,
                            details: ["before.stage": lead.stage.rawValue, "after.stage": stage.rawValue])
            return try await requireLead(id, visibleTo: actor, in: sql)
        }
    }

    /// Re-grades one open lead with a reason, kept in its grade history and the audit log.
    public func regradeLead(_ id: Int, to grade: LeadGrade, reason: String, by actor: User) async throws -> LeadRecord {
        try await database.withTransaction { sql in
            let lead = try await requireOpenLead(id, by: actor, in: sql)
            try await regrade(lead: lead.id, from: lead.grade, to: grade, by: actor.id, reason: reason, in: sql)
            try await audit(sql, actor: actor.id, action: "regrade", entity: "lead", entityID: id,
                            details: ["before.grade": lead.grade.rawValue, "after.grade": grade.rawValue, "reason": reason])
            // Read back without the access check: graded C, it may have left the actor for the marketing pool.
            guard let regraded = try await leads(where: SQLBinaryExpression(SQLColumn("id"), .equal, SQLBind(id)), in: sql).first else {
                throw CRMError.notFound(entity: "lead", id: "\(id)")
            }
            return regraded
        }
    }

    /// How closing a lead ended: closed at once, or a lost request waiting for a manager.
    public enum LeadClosing: Sendable {
        case closed(LeadRecord)
        case awaitingApproval(ApprovalRecord)
    }

    /// Closes a lead as won, or as lost. Lost needs a manager: a supervisor's or admin's close is
    /// final; an agent's becomes a request a manager decides (`decide(approval:…)`). Audited.
    public func closeLead(_ id: Int, as outcome: LeadStage, reason: String, by actor: User) async throws -> LeadClosing {
        guard outcome.isClosed else { throw CRMError.invalidInput(field: "outcome", value: outcome.rawValue, reason: "expected won or lost") }
        return try await database.withTransaction { sql in
            let lead = try await requireOpenLead(id, by: actor, in: sql)
            if outcome == .lost, actor.role == .agent {
                let approval = try await requestApproval(.leadLost, subject: id, customerID: lead.customerId, reason: reason, by: actor, in: sql)
                return .awaitingApproval(approval)
            }
            try await close(lead, as: outcome, reason: reason, by: actor.id, in: sql)
            return .closed(try await requireLead(id, visibleTo: actor, in: sql))
        }
    }

    func close(_ lead: LeadRecord, as outcome: LeadStage, reason: String, by actorID: Int, in sql: any SQLDatabase) async throws {
        let now = Date()
        try await sql.update("leads").set("stage", to: outcome.rawValue).set("closed_at", to: now).set("close_reason", to: reason)
            .set("last_progress_at", to: now).where("id", .equal, lead.id).run()
        try await audit(sql, actor: actorID, action: "close", entity: "lead", entityID: lead.id,
                        details: ["before.stage": lead.stage.rawValue, "after.stage": outcome.rawValue, "reason": reason])
    }

    /// Leads matching `condition`, oldest first, each with its grade history.
    func leads(where condition: any SQLExpression, in sql: any SQLDatabase) async throws -> [LeadRecord] {
        var leads = try await sql.select()
            .columns("id", "customer_id", "owner_id", "grade", "stage", "last_progress_at", "closed_at", "close_reason")
            .from("leads").where(condition).orderBy("id")
            .all(decoding: LeadRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        guard !leads.isEmpty else { return [] }
        let history = try await sql.select().columns("lead_id", "previous_grade", "grade", "changed_by", "reason", "changed_at")
            .from("lead_grade_history").where("lead_id", .in, leads.map(\.id)).orderBy("id")
            .all(decoding: HistoryRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        let byLead = Dictionary(grouping: history, by: \.leadId)
        for index in leads.indices {
            leads[index].history = (byLead[leads[index].id] ?? []).map {
                .init(previousGrade: $0.previousGrade, grade: $0.grade, changedBy: $0.changedBy, reason: $0.reason, changedAt: $0.changedAt)
            }
        }
        return leads
    }

    private struct HistoryRow: Decodable {
        let leadId: Int; let previousGrade: LeadGrade?; let grade: LeadGrade; let changedBy: Int?; let reason: String?; let changedAt: Date
    }

    func requireLead(_ id: Int, visibleTo viewer: User, in sql: any SQLDatabase) async throws -> LeadRecord {
        guard let lead = try await leads(where: SQLBinaryExpression(SQLColumn("id"), .equal, SQLBind(id)), in: sql).first,
              try await mayView(lead: lead, viewer, in: sql) else {
            throw CRMError.notFound(entity: "lead", id: "\(id)")
        }
        return lead
    }

    private func requireOpenLead(_ id: Int, by actor: User, in sql: any SQLDatabase) async throws -> LeadRecord {
        let lead = try await requireLead(id, visibleTo: actor, in: sql)
        guard lead.closedAt == nil else { throw CRMError.conflict("lead \(id) is closed (\(lead.stage.rawValue))") }
        return lead
    }

    /// Whether work owned by `ownerID` is within `viewer`'s reach.
    func mayView(ownedBy ownerID: Int, _ viewer: User, in sql: any SQLDatabase) async throws -> Bool {
        if case .everything = viewer.access.reach { return true }
        if ownerID == viewer.id { return true }
        let team = try await sql.select().column("team_id").from("users").where("id", .equal, ownerID).first(decodingColumn: "team_id", as: Int?.self) ?? nil
        return viewer.access.mayView(customerOwnedBy: ownerID, ownerTeam: team)
    }

    /// A lead is as visible as its owner's work; a pooled lead (no owner) as its customer.
    func mayView(lead: LeadRecord, _ viewer: User, in sql: any SQLDatabase) async throws -> Bool {
        if let owner = lead.ownerId { return try await mayView(ownedBy: owner, viewer, in: sql) }
        guard let customer = try await ownership(of: lead.customerId, in: sql) else { return false }
        return viewer.access.mayView(customerOwnedBy: customer.ownerID, ownerTeam: customer.teamID)
    }
}
