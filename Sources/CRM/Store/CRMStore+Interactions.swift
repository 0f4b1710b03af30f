import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// An agent's account of a call: outcome and note as an interaction linked to the call, and an
    /// optional re-grade of the customer's lead (kept in the grade history). Returns the interaction id.
    ///
    /// `customerID` picks one customer when the number matched several, or names the customer an
    /// unknown caller turned out to be; otherwise the call's first customer is used.
    /// `followUpAt` plans the next call: a follow-up task for the customer's owner, in the same transaction.
    /// A logged call is what clears a call task: the author's open callbacks and follow-ups for this
    /// customer due before `closingTasksDueBefore` (the end of today) close with this outcome.
    public func logCallOutcome(callID: Int, author: User, customerID: Int? = nil, outcome: String, note: String?,
                               grade: LeadGrade? = nil, followUpAt: Date? = nil, closingTasksDueBefore: Date? = nil) async throws -> Int {
        let outcome = outcome.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !outcome.isEmpty else { throw CRMError.invalidInput(field: "outcome", value: outcome, reason: "must not be empty") }
        let call = try await call(id: callID, visibleTo: author)
        guard let customer = customerID ?? call.customerIDs.first else {
            throw CRMError.invalidInput(field: "customer_id", value: "", reason: "call \(callID) has no known customer; name one")
        }
        if !call.customerIDs.isEmpty, !call.customerIDs.contains(customer) {
            throw CRMError.invalidInput(field: "customer_id", value: "\(customer)", reason: "not a customer on this call's number")
        }
        let id = try await database.withTransaction { sql in
            let owner = try await ownership(of: customer, in: sql)
            // The agent who took the call may log it for the caller; otherwise the customer must be within reach.
            guard let owner, call.agentIDs.contains(author.id) || author.access.mayView(customerOwnedBy: owner.ownerID, ownerTeam: owner.teamID) else {
                throw CRMError.notFound(entity: "customer", id: "\(customer)")
            }
            let now = Date()
            let id = try await sql.insert(into: "interactions")
                .columns("customer_id", "kind", "outcome", "note", "author_id", "call_id", "occurred_at")
                .values(SQLBind(customer), SQLBind("call"), SQLBind(outcome), SQLBind(note), SQLBind(author.id),
                        SQLBind(callID), SQLBind(now))
                .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
            try await sql.insert(into: "call_customers").columns("call_id", "customer_id").values(SQLBind(callID), SQLBind(customer))
                .ignoringConflicts(with: ["call_id", "customer_id"]).run()
            var details = ["after.interaction": "\(id)", "after.call": "\(callID)", "after.outcome": outcome]
            if let grade {
                details["before.grade"] = try await sql.select().column("grade").from("leads").where("customer_id", .equal, customer)
                    .orderBy("id", .descending).first(decodingColumn: "grade", as: String.self) ?? ""
                details["after.grade"] = grade.rawValue
                try await regrade(customerID: customer, to: grade, by: author.id, reason: "call \(callID): \(outcome)", in: sql)
            }
            if let closingTasksDueBefore {
                let closed = try await sql.select().column("id").from("tasks").where("customer_id", .equal, customer)
                    .where("owner_id", .equal, author.id).where("status", .equal, TaskStatus.open.rawValue)
                    .where("kind", .in, [TaskKind.callback.rawValue, TaskKind.followUp.rawValue]).where("due_at", .lessThan, closingTasksDueBefore)
                    .all(decodingColumn: "id", as: Int.self)
                if !closed.isEmpty {
                    try await sql.update("tasks").set("status", to: TaskStatus.done.rawValue).set("result", to: "call \(callID): \(outcome)")
                        .set("updated_at", to: now).where("id", .in, closed).run()
                    try await sql.update("calls").set("task_id", to: closed[0]).where("id", .equal, callID).where("task_id", .is, SQLLiteral.null).run()
                    details["after.tasks_done"] = closed.map(String.init).joined(separator: ",")
                }
            }
            if let followUpAt {
                let task = try await sql.insert(into: "tasks")
                    .columns("customer_id", "kind", "status", "owner_id", "due_at", "note", "created_at", "updated_at")
                    .values(SQLBind(customer), SQLBind(TaskKind.followUp.rawValue), SQLBind(TaskStatus.open.rawValue), SQLBind(owner.ownerID ?? author.id),
                            SQLBind(followUpAt), SQLBind("call \(callID): \(outcome)"), SQLBind(now), SQLBind(now))
                    .returning("id").first(decodingColumn: "id", as: Int.self)
                details["after.follow_up_task"] = task.map(String.init) ?? ""
            }
            try await audit(sql, actor: author.id, action: "call_outcome", entity: "customer", entityID: customer, details: details)
            return id
        }
        logger.info("call outcome logged", metadata: ["call": "\(callID)", "customer": "\(customer)", "agent": "\(author.id)"])
        return id
    }

    /// Sets the customer's newest open lead to `grade` (opening a lead if there is none) and records the change.
    func regrade(customerID: Int, to grade: LeadGrade, by userID: Int, reason: String, in sql: any SQLDatabase) async throws {
        struct Lead: Decodable { let id: Int; let grade: LeadGrade }
        guard let lead = try await sql.select().columns("id", "grade").from("leads").where("customer_id", .equal, customerID)
            .where("closed_at", .is, SQLLiteral.null).orderBy("id", .descending).first(decoding: Lead.self) else {
            let owner = try await sql.select().column("owner_id").from("customers").where("id", .equal, customerID)
                .first(decodingColumn: "owner_id", as: Int?.self) ?? nil
            try await insertLead(customerID: customerID, grade: grade, ownerID: owner, by: userID, in: sql)
            return
        }
        try await regrade(lead: lead.id, from: lead.grade, to: grade, by: userID, reason: reason, in: sql)
    }

    /// Sets one lead's grade (progress) and adds the change to its grade history.
    func regrade(lead: Int, from previous: LeadGrade, to grade: LeadGrade, by userID: Int?, reason: String, in sql: any SQLDatabase) async throws {
        let now = Date()
        try await sql.update("leads").set("grade", to: grade.rawValue).set("graded_at", to: now).set("last_progress_at", to: now)
            .where("id", .equal, lead).run()
        try await sql.insert(into: "lead_grade_history")
            .columns("lead_id", "previous_grade", "grade", "changed_by", "reason", "changed_at")
            .values(SQLBind(lead), SQLBind(previous.rawValue), SQLBind(grade.rawValue), SQLBind(userID), SQLBind(reason), SQLBind(now))
            .run()
        if grade == .c && previous != .c {
            try await moveToMarketingIfCold(customerOfLead: lead, by: userID, reason: "graded C: \(reason)", in: sql)
        }
    }
}

extension CRMStore {
    /// Records a contact that was not a tracked call (a visit, a message, an imported history line).
    @discardableResult
    public func addInteraction(customerID: Int, kind: String, outcome: String?, note: String?, authorID: Int?, at time: Date) async throws -> Int {
        try await database.withConnection { sql in
            try await sql.insert(into: "interactions")
                .columns("customer_id", "kind", "outcome", "note", "author_id", "occurred_at")
                .values(SQLBind(customerID), SQLBind(kind), SQLBind(outcome), SQLBind(note), SQLBind(authorID), SQLBind(time))
                .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
        }
    }
}
