import Foundation
import SQLKit
import Telephony
import Vocabulary

extension CRMStore {
    /// Customers reachable on this exact E.164 number (several when a family shares a phone).
    ///
    /// One indexed lookup on `phones.e164`; this is the screen-pop hot path.
    public func customers(onNumber e164: String) async throws -> [CustomerMatch] {
        if let reader = database.reader { return try reader.customers(onNumber: e164) }
        return try await database.rows(of: PostgresNumberMatches(e164: e164)) ?? []
    }

    /// Customers matching what a person typed: a phone in any notation, else a part of the name.
    public func findCustomers(_ query: String) async throws -> [CustomerSummary] {
        if let number = normalizer.normalize(query).phoneNumber {
            let ids = try await customers(onNumber: number.e164).map(\.id)
            return try await summaries(ids: ids)
        }
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return [] }
        let ids = try await database.withConnection { sql in
            try await sql.select().column("id").from("customers")
                .where("name", .like, "%" + Self.escapeLike(trimmed) + "%")
                .where("merged_into", .is, SQLLiteral.null)
                .orderBy("id").limit(200)
                .all(decodingColumn: "id", as: Int.self)
        }
        return try await summaries(ids: ids)
    }

    /// Creates a customer with its phones, lead, vehicles and policies in one transaction; returns its id.
    public func createCustomer(_ customer: NewCustomer, actor: Int? = nil) async throws -> Int {
        try await database.withTransaction { sql in
            try await insertCustomer(customer, in: sql)
        }
    }

    func insertCustomer(_ customer: NewCustomer, in sql: any SQLDatabase) async throws -> Int {
        let now = Date()
        let id = try await sql.insert(into: "customers")
            .columns("kind", "name", "source", "owner_id", "pool", "pool_team_id", "pooled_at", "time_zone", "created_at", "updated_at")
            .values(SQLBind(customer.kind.rawValue), SQLBind(customer.name), SQLBind(customer.source),
                    SQLBind(customer.ownerID), SQLBind(customer.ownerID == nil ? PoolKind.team.rawValue : nil),
                    SQLBind(customer.ownerID == nil ? customer.poolTeamID : nil), SQLBind(customer.ownerID == nil ? now : nil),
                    SQLBind(customer.timeZone), SQLBind(now), SQLBind(now))
            .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
        if customer.ownerID == nil {
            try await recordMove(OwnerMove(customerID: id, kind: .imported, pool: .team, teamID: customer.poolTeamID), at: now, in: sql)
        }
        for phone in customer.phones {
            try await addPhone(customerID: id, raw: phone.raw, number: phone.number, in: sql)
        }
        if let grade = customer.grade {
            try await insertLead(customerID: id, grade: grade, ownerID: customer.ownerID, in: sql)
        }
        for vehicle in customer.vehicles {
            try await addVehicle(customerID: id, vehicle, in: sql)
        }
        for expiry in customer.policyExpiries {
            try await addPolicy(customerID: id, vehicleID: nil, expiry: expiry, in: sql)
        }
        return id
    }

    /// Adds a phone unless the customer already has that number; returns whether it was added.
    @discardableResult
    func addPhone(customerID: Int, raw: String, number: PhoneNumber, in sql: any SQLDatabase) async throws -> Bool {
        let rows = try await sql.insert(into: "phones")
            .columns("customer_id", "raw", "e164", "kind", "created_at")
            .values(SQLBind(customerID), SQLBind(raw), SQLBind(number.e164), SQLBind(number.kind.rawValue), SQLBind(Date()))
            .ignoringConflicts(with: ["customer_id", "e164"])
            .returning("id").all()
        return !rows.isEmpty
    }

    /// Inserts a lead and its first grade-history line; returns its id.
    @discardableResult
    func insertLead(customerID: Int, grade: LeadGrade, ownerID: Int?, reason: String = "created", by actorID: Int? = nil,
                    in sql: any SQLDatabase) async throws -> Int {
        let now = Date()
        let leadID = try await sql.insert(into: "leads")
            .columns("customer_id", "grade", "stage", "owner_id", "graded_at", "last_progress_at", "created_at")
            .values(SQLBind(customerID), SQLBind(grade.rawValue), SQLBind(LeadStage.new.rawValue), SQLBind(ownerID),
                    SQLBind(now), SQLBind(now), SQLBind(now))
            .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
        try await sql.insert(into: "lead_grade_history")
            .columns("lead_id", "grade", "changed_by", "reason", "changed_at")
            .values(SQLBind(leadID), SQLBind(grade.rawValue), SQLBind(actorID), SQLBind(reason), SQLBind(now))
            .run()
        return leadID
    }

    /// Adds a vehicle (skipped when its VIN is already known) and its policy; returns whether anything was added.
    @discardableResult
    func addVehicle(customerID: Int, _ vehicle: NewVehicle, in sql: any SQLDatabase) async throws -> Bool {
        var vehicleID: Int?
        var added = false
        if let vin = vehicle.vin {
            vehicleID = try await sql.select().column("id").from("vehicles").where("vin", .equal, vin)
                .first(decodingColumn: "id", as: Int.self)
        }
        if vehicleID == nil {
            vehicleID = try await sql.insert(into: "vehicles")
                .columns("customer_id", "vin", "model", "plate")
                .values(SQLBind(customerID), SQLBind(vehicle.vin), SQLBind(vehicle.model), SQLBind(vehicle.plate))
                .returning("id").first(decodingColumn: "id", as: Int.self)
            added = true
        }
        if let expiry = vehicle.policyExpiry {
            added = try await addPolicy(customerID: customerID, vehicleID: vehicleID, expiry: expiry, in: sql) || added
        }
        return added
    }

    @discardableResult
    func addPolicy(customerID: Int, vehicleID: Int?, expiry: String, in sql: any SQLDatabase) async throws -> Bool {
        var existing = sql.select().column("id").from("insurance_policies")
            .where("customer_id", .equal, customerID).where("expiry_date", .equal, expiry)
        existing = vehicleID.map { existing.where("vehicle_id", .equal, $0) } ?? existing.where("vehicle_id", .is, SQLLiteral.null)
        if try await existing.first() != nil { return false }
        try await sql.insert(into: "insurance_policies")
            .columns("customer_id", "vehicle_id", "expiry_date")
            .values(SQLBind(customerID), SQLBind(vehicleID), SQLBind(expiry))
            .run()
        return true
    }

    /// Summaries (phones, current grade, owner name) for the given customer ids, in the same order.
    public func summaries(ids: [Int]) async throws -> [CustomerSummary] {
        guard !ids.isEmpty else { return [] }
        return try await database.withConnection { sql in
            try await summaries(ids: ids, in: sql)
        }
    }

    func summaries(ids: [Int], in sql: any SQLDatabase) async throws -> [CustomerSummary] {
        struct Row: Decodable { let id: Int; let name: String; let kind: CustomerKind; let ownerId: Int?; let ownerName: String? }
        struct PhoneRow: Decodable { let customerId: Int; let e164: String; let kind: PhoneKind }
        struct GradeRow: Decodable { let customerId: Int; let grade: LeadGrade }
        let rows = try await sql.select()
            .column(SQLColumn("id", table: "c")).column(SQLColumn("name", table: "c")).column(SQLColumn("kind", table: "c"))
            .column(SQLColumn("owner_id", table: "c"))
            .column(SQLColumn("name", table: "u"), as: "owner_name")
            .from(SQLAlias(SQLIdentifier("customers"), as: SQLIdentifier("c")))
            .join(SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")), method: SQLJoinMethod.left,
                  on: SQLColumn("id", table: "u"), .equal, SQLColumn("owner_id", table: "c"))
            .where(SQLColumn("id", table: "c"), .in, SQLBind.group(ids))
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        let phones = try await sql.select().columns("customer_id", "e164", "kind").from("phones")
            .where("customer_id", .in, ids).orderBy("id")
            .all(decoding: PhoneRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        let grades = try await sql.select().columns("customer_id", "grade").from("leads")
            .where("customer_id", .in, ids).orderBy("id")
            .all(decoding: GradeRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        let phonesByCustomer = Dictionary(grouping: phones, by: \.customerId)
        let gradeByCustomer = Dictionary(grades.map { ($0.customerId, $0.grade) }, uniquingKeysWith: { _, newest in newest })
        let byID = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        return ids.compactMap { id in
            byID[id].map { row in
                CustomerSummary(id: row.id, name: row.name, kind: row.kind,
                                phones: (phonesByCustomer[id] ?? []).map { PhoneNumber(e164: $0.e164, kind: $0.kind) },
                                grade: gradeByCustomer[id], ownerID: row.ownerId, ownerName: row.ownerName)
            }
        }
    }

    /// Gives a customer (and its open leads and tasks) to another owner, keeping the old owner in the audit log.
    public func reassignOwner(customerID: Int, to newOwnerID: Int, actor: Int?, reason: String) async throws {
        try await database.withTransaction { sql in
            try await moveOwner(customerID: customerID, to: newOwnerID, actor: actor, reason: reason, in: sql)
        }
        logger.info("customer reassigned", metadata: ["customer": "\(customerID)", "owner": "\(newOwnerID)"])
    }

    /// Moves a customer with its leads and open tasks to another owner, in the caller's transaction,
    /// audited as `owner_changed` with the reason; returns the previous owner.
    @discardableResult
    func moveOwner(customerID: Int, to newOwnerID: Int, actor: Int?, reason: String, kind: OwnerMoveKind = .reassigned,
                   in sql: any SQLDatabase) async throws -> Int? {
        struct Current: Decodable { let ownerId: Int?; let pool: PoolKind?; let poolTeamId: Int? }
        guard let current = try await sql.select().columns("owner_id", "pool", "pool_team_id").from("customers")
            .where("id", .equal, customerID).first(decoding: Current.self, keyDecodingStrategy: .convertFromSnakeCase)
        else { throw CRMError.notFound(entity: "customer", id: "\(customerID)") }
        let oldOwner = current.ownerId
        guard try await sql.select().column("id").from("users").where("id", .equal, newOwnerID).first() != nil else {
            throw CRMError.notFound(entity: "user", id: "\(newOwnerID)")
        }
        guard oldOwner != newOwnerID else { return oldOwner }
        try await sql.update("customers").set("owner_id", to: newOwnerID).set("updated_at", to: Date())
            .set("pool", to: SQLLiteral.null).set("pool_team_id", to: SQLLiteral.null).set("pooled_at", to: SQLLiteral.null)
            .set("claimed_at", to: SQLLiteral.null)
            .where("id", .equal, customerID).run()
        try await sql.update("leads").set("owner_id", to: newOwnerID).where("customer_id", .equal, customerID).run()
        try await sql.update("tasks").set("owner_id", to: newOwnerID)
            .where("customer_id", .equal, customerID).where("status", .equal, TaskStatus.open.rawValue).run()
        try await recordMove(OwnerMove(customerID: customerID, kind: kind, from: oldOwner, to: newOwnerID, pool: current.pool,
                                       teamID: current.poolTeamId, by: actor, reason: reason), in: sql)
        try await audit(sql, actor: actor, action: "owner_changed", entity: "customer", entityID: customerID,
                        details: ["from": oldOwner.map(String.init) ?? "pool", "to": "\(newOwnerID)", "reason": reason])
        return oldOwner
    }

    static func escapeLike(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
    }
}

extension CRMStore {
    /// Up to `limit` distinct stored numbers (E.164), e.g. for realistic simulated traffic.
    public func samplePhoneNumbers(limit: Int) async throws -> [String] {
        try await database.withConnection { sql in
            try await sql.select().distinct().column("e164").from("phones").limit(limit).all(decodingColumn: "e164", as: String.self)
        }
    }
}
