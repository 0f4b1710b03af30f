import Foundation
import SQLKit
import Telephony

extension CRMStore {
    /// Customers `viewer` may see whose name contains `query`, or who are on the phone number `query`
    /// written in any form; by id, after `afterID`, at most `limit`.
    public func searchCustomers(_ query: String, visibleTo viewer: User, afterID: Int? = nil, limit: Int = 50) async throws -> [CustomerSummary] {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return [] }
        let number = normalizer.normalize(trimmed).phoneNumber
        let ids = try await database.withConnection { sql in
            var select = sql.select().column(SQLColumn("id", table: "customers")).from("customers")
                .where(SQLColumn("merged_into", table: "customers"), .is, SQLLiteral.null)
            if let number {
                select = select.where(SQLColumn("id", table: "customers"), .in,
                                      SQLSubquery.select { $0.column("customer_id").from("phones").where("e164", .equal, SQLBind(number.e164)) })
            } else {
                select = select.where(SQLColumn("name", table: "customers"), .like, SQLBind("%" + Self.escapeLike(trimmed) + "%"))
            }
            if let afterID { select = select.where(SQLColumn("id", table: "customers"), .greaterThan, SQLBind(afterID)) }
            return try await viewer.access.restrictCustomers(select).orderBy(SQLColumn("id", table: "customers")).limit(max(1, min(limit, 500)))
                .all(decodingColumn: "id", as: Int.self)
        }
        return try await summaries(ids: ids)
    }

    /// The screen-pop's lookup for other programs: the number as normalised (nil when `phone` is not a
    /// phone number) and the customers on it that `viewer` may see.
    public func lookup(phone: String, visibleTo viewer: User) async throws -> (number: PhoneNumber?, customers: [CustomerSummary]) {
        guard let number = normalizer.normalize(phone).phoneNumber else { return (nil, []) }
        if let reader = database.reader {
            // SQLite: one query on a reader connection, the access check on its rows.
            let found = try reader.summaries(onNumber: number.e164)
            return (number, found.filter { viewer.access.mayView(customerOwnedBy: $0.summary.ownerID, ownerTeam: $0.ownerTeam) }.map(\.summary))
        }
        // PostgreSQL: the same one query, one round trip; the access check on its rows.
        let found = try await summaries(onNumber: number.e164)
        return (number, found.filter { viewer.access.mayView(customerOwnedBy: $0.summary.ownerID, ownerTeam: $0.ownerTeam) }.map(\.summary))
    }

    /// Customers on this exact number with their phones, current grade, owner and owner's team: one
    /// query (a row per phone of each customer), as `SQLiteReader` asks it of SQLite.
    private func summaries(onNumber e164: String) async throws -> [(summary: CustomerSummary, ownerTeam: Int?)] {
        struct Row: Decodable {
            let id: Int; let name: String; let kind: CustomerKind; let ownerId: Int?; let ownerName: String?; let ownerTeam: Int?
            let grade: LeadGrade?; let phone: String; let phoneKind: PhoneKind
        }
        let rows = try await database.withConnection { sql in
            try await sql.raw("""
                SELECT c.id AS id, c.name AS name, c.kind AS kind, c.owner_id AS owner_id, u.name AS owner_name,
                       CASE WHEN c.owner_id IS NULL THEN c.pool_team_id ELSE u.team_id END AS owner_team,
                       (SELECT l.grade FROM leads l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1) AS grade,
                       o.e164 AS phone, o.kind AS phone_kind
                FROM phones p JOIN customers c ON c.id = p.customer_id LEFT JOIN users u ON u.id = c.owner_id JOIN phones o ON o.customer_id = c.id
                WHERE p.e164 = \(bind: e164) AND c.merged_into IS NULL ORDER BY c.id, o.id
                """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        var result: [(summary: CustomerSummary, ownerTeam: Int?)] = []
        for (index, row) in rows.enumerated() where index == 0 || rows[index - 1].id != row.id {
            let phones = rows[index...].prefix { $0.id == row.id }.map { PhoneNumber(e164: $0.phone, kind: $0.phoneKind) }
            result.append((CustomerSummary(id: row.id, name: row.name, kind: row.kind, phones: phones, grade: row.grade,
                                           ownerID: row.ownerId, ownerName: row.ownerName), row.ownerTeam))
        }
        return result
    }
}
