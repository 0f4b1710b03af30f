import Foundation
import SQLKit
import Telephony
import Vocabulary

/// Writes one batch of parsed import rows inside the caller's transaction with a handful of
/// set-based statements: one look-up for every phone of the batch, bulk inserts for phones,
/// leads, vehicles and policies, and multi-row inserts for new customers.
///
/// A row matches an existing customer when the name (ignoring case and spaces) and one phone
/// match, so re-importing a file adds nothing; rows of one batch that describe the same
/// customer are folded together.
struct ImportBatchWriter {
    let sql: any SQLDatabase
    /// The team whose pool takes rows without an owner (`nil`: the centre's).
    var poolTeamID: Int?
    private static let chunk = 400

    struct Row {
        let parsed: ImportRowParser.Row
        /// Nobody: the new customer goes into the pool.
        let ownerID: Int?
    }

    enum Outcome { case created, updated, unchanged }

    func write(_ rows: [Row]) async throws -> [Outcome] {
        let now = Date()
        // 1. Who already exists, by any phone of the batch.
        let numbers = Array(Set(rows.flatMap { $0.parsed.phones.map(\.number.e164) }))
        struct Match: Decodable { let e164: String; let id: Int; let name: String }
        var byNumber: [String: [(id: Int, name: String)]] = [:]
        for part in numbers.chunked(Self.chunk) {
            let matches = try await sql.select()
                .column(SQLColumn("e164", table: "p")).column(SQLColumn("id", table: "c")).column(SQLColumn("name", table: "c"))
                .from(SQLAlias(SQLIdentifier("phones"), as: SQLIdentifier("p")))
                .join(SQLAlias(SQLIdentifier("customers"), as: SQLIdentifier("c")), on: SQLColumn("id", table: "c"), .equal, SQLColumn("customer_id", table: "p"))
                .where(SQLColumn("e164", table: "p"), .in, SQLBind.group(Array(part)))
                .where(SQLColumn("merged_into", table: "c"), .is, SQLLiteral.null)
                .orderBy(SQLColumn("id", table: "c"))
                .all(decoding: Match.self)
            for match in matches { byNumber[match.e164, default: []].append((match.id, CustomerImporter.comparableName(match.name))) }
        }

        // 2. Resolve each row to a customer: an existing one, or a new one (a provisional negative
        //    id until the bulk insert below gives it a real one).
        var customerOfRow: [Int] = []
        var outcomes: [Outcome] = []
        var newRows: [Int] = []
        for (index, row) in rows.enumerated() {
            let name = CustomerImporter.comparableName(row.parsed.name)
            let existing = row.parsed.phones.lazy.compactMap { phone in byNumber[phone.number.e164]?.first { $0.name == name }?.id }.first
            if let existing {
                customerOfRow.append(existing)
                outcomes.append(.unchanged)  // becomes .updated below if the row adds anything
                continue
            }
            newRows.append(index)
            let provisional = -newRows.count
            customerOfRow.append(provisional)
            outcomes.append(.created)
            for phone in row.parsed.phones { byNumber[phone.number.e164, default: []].append((provisional, name)) }
        }
        // Rows identical in every customer column are interchangeable, so matching RETURNING rows
        // by that content is exact whatever order the database returns them in.
        struct Inserted: Decodable { let id: Int; let name: String; let kind: String; let source: String?; let ownerId: Int? }
        func contentKey(_ name: String, _ kind: String, _ source: String?, _ owner: Int?) -> String {
            "\(name)|\(kind)|\(source ?? "")|\(owner.map(String.init) ?? "pool")"
        }
        var idsByContent: [String: [Int]] = [:]
        for part in newRows.chunked(Self.chunk) {
            var insert = sql.insert(into: "customers")
                .columns("kind", "name", "source", "owner_id", "pool", "pool_team_id", "pooled_at", "created_at", "updated_at")
            for index in part {
                let row = rows[index]
                let pooled = row.ownerID == nil
                insert = insert.values(SQLBind(row.parsed.kind.rawValue), SQLBind(row.parsed.name), SQLBind(row.parsed.source ?? "import"),
                                       SQLBind(row.ownerID), SQLBind(pooled ? PoolKind.team.rawValue : nil), SQLBind(pooled ? poolTeamID : nil),
                                       SQLBind(pooled ? now : nil), SQLBind(now), SQLBind(now))
            }
            for created in try await insert.returning("id", "name", "kind", "source", "owner_id")
                .all(decoding: Inserted.self, keyDecodingStrategy: .convertFromSnakeCase) {
                idsByContent[contentKey(created.name, created.kind, created.source, created.ownerId), default: []].append(created.id)
            }
        }
        var realID: [Int: Int] = [:]
        for (offset, index) in newRows.enumerated() {
            let row = rows[index]
            let key = contentKey(row.parsed.name, row.parsed.kind.rawValue, row.parsed.source ?? "import", row.ownerID)
            guard let id = idsByContent[key]?.popLast() else {
                throw CRMError.conflict("import: a new customer's id was not returned by the database")
            }
            realID[-(offset + 1)] = id
        }
        customerOfRow = customerOfRow.map { realID[$0] ?? $0 }
        let newCustomers = Set(realID.values)
        // Every customer that went into the pool starts its owner history there.
        let pooledNew = newRows.enumerated().filter { rows[$0.element].ownerID == nil }.compactMap { realID[-($0.offset + 1)] }
        try await bulkInsert("owner_moves", ["customer_id", "kind", "pool", "team_id", "reason", "moved_at"],
                             pooledNew.map { [$0, OwnerMoveKind.imported.rawValue, PoolKind.team.rawValue, poolTeamID, "import without an owner", now] })
        let customerIDs = Array(Set(customerOfRow))

        // 3. Phones each customer lacks.
        struct PhoneRow: Decodable { let customerId: Int; let e164: String }
        var havePhone = Set<String>()
        for part in Array(Set(customerIDs).subtracting(newCustomers)).chunked(Self.chunk) {
            for row in try await sql.select().columns("customer_id", "e164").from("phones").where("customer_id", .in, SQLBind.group(Array(part)))
                .all(decoding: PhoneRow.self, keyDecodingStrategy: .convertFromSnakeCase) {
                havePhone.insert("\(row.customerId)|\(row.e164)")
            }
        }
        var phoneValues: [[any Encodable & Sendable]] = []
        for (index, row) in rows.enumerated() {
            for phone in row.parsed.phones where havePhone.insert("\(customerOfRow[index])|\(phone.number.e164)").inserted {
                phoneValues.append([customerOfRow[index], phone.raw, phone.number.e164, phone.number.kind.rawValue, now])
                mark(&outcomes, index)
            }
        }
        try await bulkInsert("phones", ["customer_id", "raw", "e164", "kind", "created_at"], phoneValues)

        // 4. A lead for graded customers that have none.
        var hasLead = Set<Int>()
        for part in Array(Set(customerIDs).subtracting(newCustomers)).chunked(Self.chunk) {
            hasLead.formUnion(try await sql.select().column("customer_id").from("leads").where("customer_id", .in, SQLBind.group(Array(part)))
                .all(decodingColumn: "customer_id", as: Int.self))
        }
        var leadValues: [[any Encodable & Sendable]] = []
        var leadGrades: [Int: LeadGrade] = [:]
        for (index, row) in rows.enumerated() {
            guard let grade = row.parsed.grade, hasLead.insert(customerOfRow[index]).inserted else { continue }
            leadValues.append([customerOfRow[index], grade.rawValue, "new", row.ownerID, now, now, now])
            leadGrades[customerOfRow[index]] = grade
            mark(&outcomes, index)
        }
        struct LeadRow: Decodable { let id: Int; let customerId: Int }
        var history: [[any Encodable & Sendable]] = []
        for part in leadValues.chunked(Self.chunk) {
            let inserted = try await insertBuilder("leads", ["customer_id", "grade", "stage", "owner_id", "graded_at", "last_progress_at", "created_at"], part)
                .returning("id", "customer_id").all(decoding: LeadRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            for lead in inserted {
                history.append([lead.id, leadGrades[lead.customerId]?.rawValue ?? "", "created", now])
            }
        }
        try await bulkInsert("lead_grade_history", ["lead_id", "grade", "reason", "changed_at"], history)

        // 5. Vehicles: known by VIN, or (without VIN) by customer, model and plate.
        let vins = rows.compactMap { $0.parsed.vehicle?.vin }
        struct VehicleRow: Decodable { let id: Int; let customerId: Int; let vin: String?; let model: String?; let plate: String? }
        var vehicleIDs: [String: Int] = [:]
        func key(_ customer: Int, _ vehicle: NewVehicle) -> String {
            vehicle.vin.map { "vin|\($0)" } ?? "car|\(customer)|\(vehicle.model ?? "")|\(vehicle.plate ?? "")"
        }
        for part in Array(Set(vins)).chunked(Self.chunk) {
            for v in try await sql.select().columns("id", "customer_id", "vin", "model", "plate").from("vehicles").where("vin", .in, SQLBind.group(Array(part)))
                .all(decoding: VehicleRow.self, keyDecodingStrategy: .convertFromSnakeCase) {
                vehicleIDs["vin|\(v.vin ?? "")"] = v.id
            }
        }
        for part in Array(Set(customerIDs).subtracting(newCustomers)).chunked(Self.chunk) {
            for v in try await sql.select().columns("id", "customer_id", "vin", "model", "plate").from("vehicles")
                .where("customer_id", .in, SQLBind.group(Array(part))).where("vin", .is, SQLLiteral.null)
                .all(decoding: VehicleRow.self, keyDecodingStrategy: .convertFromSnakeCase) {
                vehicleIDs["car|\(v.customerId)|\(v.model ?? "")|\(v.plate ?? "")"] = v.id
            }
        }
        var vehicleValues: [[any Encodable & Sendable]] = []
        var planned = Set<String>()
        for (index, row) in rows.enumerated() {
            guard let vehicle = row.parsed.vehicle else { continue }
            let k = key(customerOfRow[index], vehicle)
            guard vehicleIDs[k] == nil, planned.insert(k).inserted else { continue }
            vehicleValues.append([customerOfRow[index], vehicle.vin, vehicle.model, vehicle.plate])
            mark(&outcomes, index)
        }
        for part in vehicleValues.chunked(Self.chunk) {
            for v in try await insertBuilder("vehicles", ["customer_id", "vin", "model", "plate"], part)
                .returning("id", "customer_id", "vin", "model", "plate").all(decoding: VehicleRow.self, keyDecodingStrategy: .convertFromSnakeCase) {
                vehicleIDs[v.vin.map { "vin|\($0)" } ?? "car|\(v.customerId)|\(v.model ?? "")|\(v.plate ?? "")"] = v.id
            }
        }

        // 6. Policies (per vehicle, or on the customer when the row has no vehicle).
        struct PolicyRow: Decodable { let customerId: Int; let vehicleId: Int?; let expiryDate: String }
        var havePolicy = Set<String>()
        for part in Array(Set(customerIDs).subtracting(newCustomers)).chunked(Self.chunk) {
            for p in try await sql.select().columns("customer_id", "vehicle_id", "expiry_date").from("insurance_policies")
                .where("customer_id", .in, SQLBind.group(Array(part))).all(decoding: PolicyRow.self, keyDecodingStrategy: .convertFromSnakeCase) {
                havePolicy.insert("\(p.customerId)|\(p.vehicleId.map(String.init) ?? "-")|\(p.expiryDate)")
            }
        }
        var policyValues: [[any Encodable & Sendable]] = []
        for (index, row) in rows.enumerated() {
            let customer = customerOfRow[index]
            let vehicleID = row.parsed.vehicle.flatMap { vehicleIDs[key(customer, $0)] }
            guard let expiry = row.parsed.vehicle?.policyExpiry ?? row.parsed.policyExpiry,
                  havePolicy.insert("\(customer)|\(vehicleID.map(String.init) ?? "-")|\(expiry)").inserted
            else { continue }
            policyValues.append([customer, vehicleID, expiry])
            mark(&outcomes, index)
        }
        try await bulkInsert("insurance_policies", ["customer_id", "vehicle_id", "expiry_date"], policyValues)
        return outcomes
    }

    private func mark(_ outcomes: inout [Outcome], _ index: Int) {
        if outcomes[index] == .unchanged { outcomes[index] = .updated }
    }

    private func insertBuilder(_ table: String, _ columns: [String], _ rows: ArraySlice<[any Encodable & Sendable]>) -> SQLInsertBuilder {
        var builder = sql.insert(into: table).columns(columns)
        for row in rows { builder = builder.values(row.map { SQLBind($0) }) }
        return builder
    }

    private func bulkInsert(_ table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]]) async throws {
        for part in rows.chunked(Self.chunk) {
            try await insertBuilder(table, columns, part).run()
        }
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min(count, $0 + size)] }
    }
}
