import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// All a customer's personal data (PIPL access request); admins only, audited.
    public func exportPersonalData(customerID: Int, by actor: User) async throws -> PersonalDataExport {
        guard actor.role == .admin else { throw CRMError.notFound(entity: "customer", id: "\(customerID)") }
        return try await database.withTransaction { sql in
            struct Row: Decodable { let name: String; let kind: String; let source: String?; let createdAt: Date }
            guard let customer = try await sql.select().columns("name", "kind", "source", "created_at").from("customers")
                .where("id", .equal, customerID).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase) else {
                throw CRMError.notFound(entity: "customer", id: "\(customerID)")
            }
            func rows<T: Decodable>(_ table: String, _ columns: [String], _ type: T.Type, order: String = "id") async throws -> [T] {
                try await sql.select().columns(columns).from(table).where("customer_id", .equal, customerID).orderBy(order)
                    .all(decoding: T.self, keyDecodingStrategy: .convertFromSnakeCase)
            }
            var leads = try await rows("leads", ["id", "grade", "stage"], PersonalDataExport.Lead.self, order: "id")
            for index in leads.indices {
                leads[index].history = try await sql.select().columns("previous_grade", "grade", "reason", "changed_at").from("lead_grade_history")
                    .where("lead_id", .equal, leads[index].id).orderBy("id")
                    .all(decoding: PersonalDataExport.GradeChange.self, keyDecodingStrategy: .convertFromSnakeCase)
            }
            let calls = try await sql.select().columns(["id", "direction", "caller", "callee", "ring_at", "result", "recording"].map { SQLColumn($0, table: "k") })
                .from(SQLAlias(SQLIdentifier("calls"), as: SQLIdentifier("k")))
                .where(SQLColumn("id", table: "k"), .in, Self.callsOfCustomer(customerID)).orderBy(SQLColumn("id", table: "k"))
                .all(decoding: PersonalDataExport.Call.self, keyDecodingStrategy: .convertFromSnakeCase)
            let export = PersonalDataExport(
                customerId: customerID, name: customer.name, kind: customer.kind, source: customer.source, createdAt: customer.createdAt,
                phones: try await rows("phones", ["e164", "raw", "kind"], PersonalDataExport.Phone.self),
                contacts: try await rows("contacts", ["name", "role", "birthday", "phone_e164"], PersonalDataExport.Contact.self),
                vehicles: try await rows("vehicles", ["vin", "model", "plate", "purchase_date"], PersonalDataExport.Vehicle.self),
                policies: try await rows("insurance_policies", ["insurer", "policy_no", "expiry_date"], PersonalDataExport.Policy.self),
                leads: leads,
                interactions: try await rows("interactions", ["kind", "outcome", "note", "occurred_at"], PersonalDataExport.Interaction.self),
                calls: calls,
                tasks: try await rows("tasks", ["kind", "status", "due_at", "note", "result"], PersonalDataExport.Task.self))
            try await audit(sql, actor: actor.id, action: "export_personal_data", entity: "customer", entityID: customerID, details: [:])
            return export
        }
    }

    /// Erases a customer's personal data (PIPL deletion request); admins only, audited. The customer
    /// stays as a nameless record so that calls keep their statistics (times, results, agents)
    /// without the person: name, phones, contacts, VINs, plates, policy numbers, notes, grade
    /// reasons, the calls' numbers, names and recording paths are gone.
    public func erasePersonalData(customerID: Int, by actor: User) async throws {
        guard actor.role == .admin else { throw CRMError.notFound(entity: "customer", id: "\(customerID)") }
        try await database.withTransaction { sql in
            guard try await sql.select().column("id").from("customers").where("id", .equal, customerID).first() != nil else {
                throw CRMError.notFound(entity: "customer", id: "\(customerID)")
            }
            let numbers = try await sql.select().column("e164").from("phones").where("customer_id", .equal, customerID)
                .all(decodingColumn: "e164", as: String.self)
            let calls = Self.callsOfCustomer(customerID)
            try await sql.update("calls").set("external_name", to: SQLLiteral.null).set("recording", to: SQLLiteral.null)
                .where("id", .in, calls).run()
            // The outside party's number, however the PBX wrote it: the caller of an inbound call, the callee of an outbound one.
            try await sql.update("calls").set("caller", to: SQLLiteral.null).where("id", .in, calls).where("direction", .equal, CallDirection.inbound.rawValue).run()
            try await sql.update("calls").set("callee", to: SQLLiteral.null).where("id", .in, calls).where("direction", .equal, CallDirection.outbound.rawValue).run()
            try await sql.update("customers").set("name", to: "已删除 #\(customerID)").set("source", to: SQLLiteral.null)
                .set("updated_at", to: Date()).where("id", .equal, customerID).run()
            try await sql.delete(from: "phones").where("customer_id", .equal, customerID).run()
            try await sql.delete(from: "contacts").where("customer_id", .equal, customerID).run()
            try await sql.update("vehicles").set("vin", to: SQLLiteral.null).set("plate", to: SQLLiteral.null).where("customer_id", .equal, customerID).run()
            try await sql.update("insurance_policies").set("policy_no", to: SQLLiteral.null).where("customer_id", .equal, customerID).run()
            try await sql.update("interactions").set("note", to: SQLLiteral.null).where("customer_id", .equal, customerID).run()
            try await sql.update("tasks").set("note", to: SQLLiteral.null).set("phone_e164", to: SQLLiteral.null).where("customer_id", .equal, customerID).run()
            try await sql.update("lead_grade_history").set("reason", to: SQLLiteral.null)
                .where("lead_id", .in, SQLSubquery.select { $0.column("id").from("leads").where("customer_id", .equal, customerID) }).run()
            try await audit(sql, actor: actor.id, action: "erase_personal_data", entity: "customer", entityID: customerID,
                            details: ["phones": "\(numbers.count)"])
        }
        logger.notice("personal data erased", metadata: ["customer": "\(customerID)", "by": "\(actor.id)"])
    }
}
