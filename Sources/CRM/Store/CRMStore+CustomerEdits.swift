import Foundation
import SQLKit
import Telephony
import Vocabulary

extension CRMStore {
    /// The owner and the owner's team of a customer, when it exists and is not merged away.
    /// A pooled customer has no owner, and the team is the pool's (none: the centre's pool).
    func ownership(of customerID: Int, in sql: any SQLDatabase) async throws -> (ownerID: Int?, teamID: Int?)? {
        struct Row: Decodable { let ownerId: Int?; let teamId: Int?; let poolTeamId: Int? }
        let row = try await sql.select().column(SQLColumn("owner_id", table: "c")).column(SQLColumn("team_id", table: "u"))
            .column(SQLColumn("pool_team_id", table: "c"))
            .from(SQLAlias(SQLIdentifier("customers"), as: SQLIdentifier("c")))
            .join(SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")), method: SQLJoinMethod.left,
                  on: SQLColumn("id", table: "u"), .equal, SQLColumn("owner_id", table: "c"))
            .where(SQLColumn("id", table: "c"), .equal, SQLBind(customerID)).where(SQLColumn("merged_into", table: "c"), .is, SQLLiteral.null)
            .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        return row.map { ($0.ownerId, $0.ownerId == nil ? $0.poolTeamId : $0.teamId) }
    }

    /// Throws not-found unless the customer exists and `actor` may change it (inside a write's transaction).
    func requireWritable(_ customerID: Int, by actor: User, in sql: any SQLDatabase) async throws {
        guard let owner = try await ownership(of: customerID, in: sql),
              actor.access.mayView(customerOwnedBy: owner.ownerID, ownerTeam: owner.teamID) else {
            throw CRMError.notFound(entity: "customer", id: "\(customerID)")
        }
    }

    /// Creates a customer for `actor`: owned by them unless they name an owner within their reach. Audited.
    public func createCustomer(_ customer: NewCustomer, by actor: User) async throws -> Int {
        try await database.withTransaction { sql in
            guard let owner = customer.ownerID else {
                throw CRMError.invalidInput(field: "ownerId", value: "", reason: "is needed: a customer made by hand has an owner (imports may fill the pool)")
            }
            let team = try await sql.select().column("team_id").from("users").where("id", .equal, owner)
                .first(decodingColumn: "team_id", as: Int?.self)
            guard let team, actor.access.mayView(customerOwnedBy: owner, ownerTeam: team) else {
                throw CRMError.invalidInput(field: "ownerId", value: "\(owner)", reason: "is not a user whose customers you may keep")
            }
            let id = try await insertCustomer(customer, in: sql)
            try await audit(sql, actor: actor.id, action: "create", entity: "customer", entityID: id,
                            details: ["after.name": customer.name, "after.owner": "\(owner)", "after.kind": customer.kind.rawValue])
            return id
        }
    }

    /// Changes a customer's name, kind or source; audited with what was there before and after.
    public func updateCustomer(_ id: Int, name: String?, kind: CustomerKind?, source: String?, timeZone: String? = nil, by actor: User) async throws {
        try await database.withTransaction { sql in
            try await requireWritable(id, by: actor, in: sql)
            struct Row: Decodable { let name: String; let kind: CustomerKind; let source: String?; let time_zone: String? }
            guard let before = try await sql.select().columns("name", "kind", "source", "time_zone").from("customers").where("id", .equal, id)
                .first(decoding: Row.self) else { throw CRMError.notFound(entity: "customer", id: "\(id)") }
            var update = sql.update("customers").set("updated_at", to: Date())
            var details: [String: String] = [:]
            if let name, name != before.name {
                update = update.set("name", to: name)
                details["before.name"] = before.name
                details["after.name"] = name
            }
            if let kind, kind != before.kind {
                update = update.set("kind", to: kind.rawValue)
                details["before.kind"] = before.kind.rawValue
                details["after.kind"] = kind.rawValue
            }
            if let source, source != before.source {
                update = update.set("source", to: source)
                details["before.source"] = before.source ?? ""
                details["after.source"] = source
            }
            // Empty: the centre's zone again.
            if let timeZone, timeZone != (before.time_zone ?? "") {
                update = update.set("time_zone", to: timeZone.isEmpty ? nil : timeZone)
                details["before.timeZone"] = before.time_zone ?? ""
                details["after.timeZone"] = timeZone
            }
            guard !details.isEmpty else { return }
            try await update.where("id", .equal, id).run()
            try await audit(sql, actor: actor.id, action: "update", entity: "customer", entityID: id, details: details)
        }
    }

    /// Adds a phone number (any written form) to a customer; returns its id and normal form. Audited.
    public func addPhone(customerID: Int, raw: String, by actor: User) async throws -> (id: Int, number: PhoneNumber) {
        guard let number = normalizer.normalize(raw).phoneNumber else {
            throw CRMError.invalidInput(field: "number", value: raw, reason: "is not a phone number")
        }
        return try await database.withTransaction { sql in
            try await requireWritable(customerID, by: actor, in: sql)
            guard try await addPhone(customerID: customerID, raw: raw, number: number, in: sql),
                  let id = try await sql.select().column("id").from("phones").where("customer_id", .equal, customerID)
                    .where("e164", .equal, number.e164).first(decodingColumn: "id", as: Int.self) else {
                throw CRMError.conflict("the customer already has \(number.e164)")
            }
            try await audit(sql, actor: actor.id, action: "add_phone", entity: "customer", entityID: customerID, details: ["after.phone": number.e164])
            return (id, number)
        }
    }

    /// Removes one of a customer's phones (not the last one). Audited with the number removed.
    public func removePhone(customerID: Int, phoneID: Int, by actor: User) async throws {
        try await database.withTransaction { sql in
            try await requireWritable(customerID, by: actor, in: sql)
            let phones = try await sql.select().columns("id", "e164").from("phones").where("customer_id", .equal, customerID)
                .all().map { (try $0.decode(column: "id", as: Int.self), try $0.decode(column: "e164", as: String.self)) }
            guard let phone = phones.first(where: { $0.0 == phoneID }) else { throw CRMError.notFound(entity: "phone", id: "\(phoneID)") }
            guard phones.count > 1 else { throw CRMError.conflict("a customer keeps at least one phone; add the new one first") }
            try await sql.delete(from: "phones").where("id", .equal, phoneID).run()
            try await audit(sql, actor: actor.id, action: "remove_phone", entity: "customer", entityID: customerID, details: ["before.phone": phone.1])
        }
    }

    /// A note, visit or complaint by `actor`; a complaint opens a task due within `complaintLimit`. Audited.
    public func recordInteraction(customerID: Int, kind: InteractionKind, note: String, by actor: User,
                                  complaintLimit: Duration = .seconds(48 * 3600)) async throws -> (interaction: Int, task: Int?) {
        try await database.withTransaction { sql in
            try await requireWritable(customerID, by: actor, in: sql)
            let now = Date()
            let id = try await sql.insert(into: "interactions")
                .columns("customer_id", "kind", "note", "author_id", "occurred_at")
                .values(SQLBind(customerID), SQLBind(kind.rawValue), SQLBind(note), SQLBind(actor.id), SQLBind(now))
                .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
            var task: Int?
            if kind == .complaint {
                let owner = try await ownership(of: customerID, in: sql)?.ownerID ?? actor.id
                task = try await sql.insert(into: "tasks")
                    .columns("customer_id", "kind", "status", "owner_id", "due_at", "note", "created_at", "updated_at")
                    .values(SQLBind(customerID), SQLBind(TaskKind.complaint.rawValue), SQLBind(TaskStatus.open.rawValue), SQLBind(owner),
                            SQLBind(now.addingTimeInterval(TimeInterval(complaintLimit.components.seconds))), SQLBind(note), SQLBind(now), SQLBind(now))
                    .returning("id").first(decodingColumn: "id", as: Int.self)
            }
            try await audit(sql, actor: actor.id, action: "record_\(kind.rawValue)", entity: "customer", entityID: customerID,
                            details: ["after.interaction": "\(id)"].merging(task.map { ["after.task": "\($0)"] } ?? [:]) { a, _ in a })
            return (id, task)
        }
    }

    /// Re-grades the customer's lead with a reason, kept in the grade history and the audit log.
    public func regradeCustomer(_ customerID: Int, to grade: LeadGrade, reason: String, by actor: User) async throws {
        try await database.withTransaction { sql in
            try await requireWritable(customerID, by: actor, in: sql)
            let before = try await sql.select().column("grade").from("leads").where("customer_id", .equal, customerID)
                .orderBy("id", .descending).first(decodingColumn: "grade", as: String.self)
            try await regrade(customerID: customerID, to: grade, by: actor.id, reason: reason, in: sql)
            try await audit(sql, actor: actor.id, action: "regrade", entity: "customer", entityID: customerID,
                            details: ["before.grade": before ?? "", "after.grade": grade.rawValue, "reason": reason])
        }
    }

    /// Closes an open task with a result, by its owner or someone whose reach covers it. Audited.
    public func completeTask(_ taskID: Int, result: String, by actor: User) async throws {
        try await database.withTransaction { sql in
            struct Row: Decodable { let kind: TaskKind; let status: TaskStatus; let ownerId: Int?; let customerId: Int? }
            guard let task = try await sql.select().columns("kind", "status", "owner_id", "customer_id").from("tasks").where("id", .equal, taskID)
                .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase) else {
                throw CRMError.notFound(entity: "task", id: "\(taskID)")
            }
            let ownerTeam = try await task.ownerId.asyncMap {
                try await sql.select().column("team_id").from("users").where("id", .equal, $0).first(decodingColumn: "team_id", as: Int?.self) ?? nil
            } ?? nil
            guard let owner = task.ownerId, actor.access.mayView(customerOwnedBy: owner, ownerTeam: ownerTeam) else {
                throw CRMError.notFound(entity: "task", id: "\(taskID)")
            }
            guard task.status == .open else { throw CRMError.conflict("task \(taskID) is already \(task.status.rawValue)") }
            guard !Self.callTaskKinds.contains(task.kind) else {
                throw CRMError.conflict("task \(taskID) is a call task: it closes when a call to the customer is logged with its result (or ask to cancel it)")
            }
            try await sql.update("tasks").set("status", to: TaskStatus.done.rawValue).set("result", to: result).set("updated_at", to: Date())
                .where("id", .equal, taskID).run()
            try await audit(sql, actor: actor.id, action: "complete", entity: "task", entityID: taskID,
                            details: ["before.status": task.status.rawValue, "after.status": TaskStatus.done.rawValue, "after.result": result])
        }
    }
}
