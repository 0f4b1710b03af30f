import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// Policies expiring between the two days (`YYYY-MM-DD`, inclusive) that no later policy of the
    /// same customer and vehicle has renewed.
    public func policiesToRenew(from earliest: String, through latest: String) async throws -> [RenewalPolicy] {
        try await database.withConnection { sql in
            try await sql.raw("""
                SELECT p.id AS id, p.customer_id AS customer_id, c.owner_id AS owner_id, p.vehicle_id AS vehicle_id, p.expiry_date AS expiry_date
                FROM insurance_policies p JOIN customers c ON c.id = p.customer_id
                WHERE c.merged_into IS NULL AND p.expiry_date >= \(bind: earliest) AND p.expiry_date <= \(bind: latest)
                  AND NOT EXISTS (SELECT 1 FROM insurance_policies n WHERE n.customer_id = p.customer_id AND n.expiry_date > p.expiry_date
                                  AND (n.vehicle_id = p.vehicle_id OR (n.vehicle_id IS NULL AND p.vehicle_id IS NULL)))
                ORDER BY p.expiry_date, p.id
                """).all(decoding: RenewalPolicy.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    /// Contacts whose birthday (`YYYY-MM-DD`) falls in `month` (1–12), with their customer's owner.
    public func birthdays(inMonth month: Int) async throws -> [BirthdayContact] {
        let part = String(format: "%02d", month)
        return try await database.withConnection { sql in
            try await sql.raw("""
                SELECT k.id AS id, k.customer_id AS customer_id, c.owner_id AS owner_id, k.name AS name, k.birthday AS birthday
                FROM contacts k JOIN customers c ON c.id = k.customer_id
                WHERE c.merged_into IS NULL AND k.birthday IS NOT NULL AND LENGTH(k.birthday) = 10 AND SUBSTR(k.birthday, 6, 2) = \(bind: part)
                ORDER BY k.id
                """).all(decoding: BirthdayContact.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    /// A team's id by name, if there is one.
    public func teamID(named name: String) async throws -> Int? {
        try await database.withConnection { sql in
            try await sql.select().column("id").from("teams").where("name", .equal, name).first(decodingColumn: "id", as: Int.self)
        }
    }

    /// Each new renewal call replaces its policy's earlier one still open (the 60-day call replaces the
    /// 90-day one): those close as done, superseded. Returns how many closed.
    @discardableResult
    public func supersedeRenewals(_ created: [(policyID: Int, key: String)]) async throws -> Int {
        guard !created.isEmpty else { return 0 }
        return try await database.withTransaction { sql in
            var closed = 0
            for (policy, key) in created {
                closed += try await sql.update("tasks").set("status", to: TaskStatus.done.rawValue)
                    .set("result", to: "superseded by a later renewal call").set("updated_at", to: Date())
                    .where("kind", .equal, TaskKind.renewal.rawValue).where("status", .equal, TaskStatus.open.rawValue)
                    .where("policy_id", .equal, policy).where("plan_key", .notEqual, key)
                    .returning("id").all().count
            }
            return closed
        }
    }

    /// A policy added for a vehicle renews the customer's earlier ones for it: their open renewal and
    /// win-back calls close as done ("renewed"), in the caller's transaction.
    func closeRenewedCalls(customerID: Int, vehicleID: Int?, expiry: String, in sql: any SQLDatabase) async throws {
        var older = sql.select().column("id").from("insurance_policies").where("customer_id", .equal, customerID).where("expiry_date", .lessThan, expiry)
        older = vehicleID.map { older.where("vehicle_id", .equal, $0) } ?? older.where("vehicle_id", .is, SQLLiteral.null)
        let ids = try await older.all(decodingColumn: "id", as: Int.self)
        guard !ids.isEmpty else { return }
        try await sql.update("tasks").set("status", to: TaskStatus.done.rawValue).set("result", to: "renewed").set("updated_at", to: Date())
            .where("kind", .in, [TaskKind.renewal.rawValue, TaskKind.winBack.rawValue]).where("status", .equal, TaskStatus.open.rawValue)
            .where("policy_id", .in, ids).run()
    }
}
