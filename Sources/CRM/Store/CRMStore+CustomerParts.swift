import Foundation
import SQLKit

extension CRMStore {
    /// Adds a contact, vehicle or policy to a customer `actor` may change; returns its id. Audited.
    public func addPart(_ part: CustomerPart, to customerID: Int, _ values: [String: CustomerPart.Value], by actor: User) async throws -> Int {
        try check(values, of: part, creating: true)
        return try await database.withTransaction { sql in
            try await requireWritable(customerID, by: actor, in: sql)
            try await checkConsistency(part, customerID: customerID, partID: nil, values, in: sql)
            let columns = part.columns.filter { values[$0] != nil }
            let id = try await sql.insert(into: part.table).columns(["customer_id"] + columns)
                .values([SQLBind(customerID)] + columns.map { SQLBind(values[$0] ?? .null) })
                .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
            var details = ["after.\(part.rawValue)": "\(id)"]
            for column in columns { details["after.\(column)"] = values[column]?.audited }
            try await audit(sql, actor: actor.id, action: "add_\(part.rawValue)", entity: "customer", entityID: customerID, details: details)
            if part == .policy, case .text(let expiry)? = values["expiry_date"] {
                let vehicle: Int? = if case .number(let id)? = values["vehicle_id"] { id } else { nil }
                try await closeRenewedCalls(customerID: customerID, vehicleID: vehicle, expiry: expiry, in: sql)
            }
            return id
        }
    }

    /// Changes fields of a customer's contact, vehicle or policy; audited with before and after.
    public func changePart(_ part: CustomerPart, _ partID: Int, of customerID: Int, _ values: [String: CustomerPart.Value], by actor: User) async throws {
        try check(values, of: part, creating: false)
        try await database.withTransaction { sql in
            try await requireWritable(customerID, by: actor, in: sql)
            let before = try await partValues(part, partID, of: customerID, in: sql)
            try await checkConsistency(part, customerID: customerID, partID: partID, values, in: sql)
            var update = sql.update(part.table)
            var details = ["\(part.rawValue)": "\(partID)"]
            for column in part.columns {
                guard let value = values[column], value.audited != before[column] else { continue }
                update = update.set(SQLIdentifier(column), to: SQLBind(value))
                details["before.\(column)"] = before[column] ?? ""
                details["after.\(column)"] = value.audited
            }
            guard details.count > 1 else { return }
            try await update.where("id", .equal, partID).run()
            try await audit(sql, actor: actor.id, action: "update_\(part.rawValue)", entity: "customer", entityID: customerID, details: details)
        }
    }

    /// Removes a customer's contact, vehicle or policy; audited with what was there.
    public func removePart(_ part: CustomerPart, _ partID: Int, of customerID: Int, by actor: User) async throws {
        try await database.withTransaction { sql in
            try await requireWritable(customerID, by: actor, in: sql)
            let before = try await partValues(part, partID, of: customerID, in: sql)
            try await sql.delete(from: part.table).where("id", .equal, partID).run()
            var details = ["\(part.rawValue)": "\(partID)"]
            for (column, value) in before { details["before.\(column)"] = value }
            try await audit(sql, actor: actor.id, action: "remove_\(part.rawValue)", entity: "customer", entityID: customerID, details: details)
        }
    }

    /// One of a customer's contacts, vehicles or policies, as `Row` (`ContactRecord`, `VehicleRecord`, `PolicyRecord`).
    public func part<Row: Decodable & Sendable>(_ part: CustomerPart, _ partID: Int, of customerID: Int, as: Row.Type) async throws -> Row {
        let row = try await database.withConnection { sql in
            try await sql.select().column("id").columns(part.columns.map { SQLIdentifier($0) }).from(part.table)
                .where("id", .equal, partID).where("customer_id", .equal, customerID)
                .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        guard let row else { throw CRMError.notFound(entity: part.rawValue, id: "\(partID)") }
        return row
    }

    /// The contacts, vehicles and policies of a customer, oldest first (policies by expiry).
    func parts(of customerID: Int, in sql: any SQLDatabase) async throws -> (contacts: [ContactRecord], vehicles: [VehicleRecord], policies: [PolicyRecord]) {
        func rows<Row: Decodable>(_ part: CustomerPart, _ order: String, _: Row.Type) async throws -> [Row] {
            try await sql.select().column("id").columns(part.columns.map { SQLIdentifier($0) }).from(part.table)
                .where("customer_id", .equal, customerID).orderBy(order).orderBy("id")
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        return (try await rows(.contact, "id", ContactRecord.self), try await rows(.vehicle, "id", VehicleRecord.self),
                try await rows(.policy, "expiry_date", PolicyRecord.self))
    }

    private func check(_ values: [String: CustomerPart.Value], of part: CustomerPart, creating: Bool) throws {
        if let unknown = values.keys.first(where: { !part.columns.contains($0) }) {
            throw CRMError.invalidInput(field: unknown, value: "", reason: "is not a field of a \(part.rawValue)")
        }
        for column in part.required where creating ? (values[column] ?? .null) == .null : values[column] == .null {
            throw CRMError.invalidInput(field: column, value: "", reason: "is required")
        }
    }

    private func partValues(_ part: CustomerPart, _ partID: Int, of customerID: Int, in sql: any SQLDatabase) async throws -> [String: String] {
        guard let row = try await sql.select().columns(part.columns.map { SQLIdentifier($0) }).from(part.table)
            .where("id", .equal, partID).where("customer_id", .equal, customerID).first() else {
            throw CRMError.notFound(entity: part.rawValue, id: "\(partID)")
        }
        var values: [String: String] = [:]
        for column in part.columns {
            if let text = try? row.decode(column: column, as: String?.self) { values[column] = text }
            else if let number = try? row.decode(column: column, as: Int?.self) { values[column] = "\(number)" }
        }
        return values
    }

    /// What the schema's constraints would refuse, said plainly first: a VIN on another vehicle, a
    /// policy on another customer's vehicle or twice for one vehicle and date.
    private func checkConsistency(_ part: CustomerPart, customerID: Int, partID: Int?, _ values: [String: CustomerPart.Value],
                                  in sql: any SQLDatabase) async throws {
        switch part {
        case .contact:
            return
        case .vehicle:
            guard case .text(let vin) = values["vin"] else { return }
            var query = sql.select().column("id").from("vehicles").where("vin", .equal, vin)
            if let partID { query = query.where("id", .notEqual, partID) }
            if try await query.first() != nil { throw CRMError.conflict("VIN \(vin) already belongs to a vehicle") }
        case .policy:
            if case .number(let vehicle) = values["vehicle_id"],
               try await sql.select().column("id").from("vehicles").where("id", .equal, vehicle).where("customer_id", .equal, customerID).first() == nil {
                throw CRMError.invalidInput(field: "vehicleId", value: "\(vehicle)", reason: "is not one of this customer's vehicles")
            }
            let current = try await partID.asyncMap { try await partValues(.policy, $0, of: customerID, in: sql) } ?? [:]
            let vehicle: String? = values["vehicle_id"].map { $0 == .null ? nil : $0.audited } ?? current["vehicle_id"]
            guard let expiry = values["expiry_date"].map(\.audited) ?? current["expiry_date"] else { return }
            var query = sql.select().column("id").from("insurance_policies").where("customer_id", .equal, customerID)
                .where("expiry_date", .equal, expiry)
            query = vehicle.flatMap(Int.init).map { query.where("vehicle_id", .equal, $0) } ?? query.where("vehicle_id", .is, SQLLiteral.null)
            if let partID { query = query.where("id", .notEqual, partID) }
            if try await query.first() != nil { throw CRMError.conflict("the customer already has a policy expiring \(expiry) on that vehicle") }
        }
    }
}
