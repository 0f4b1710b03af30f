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
        // One query: on SQLite's reader connections, or prepared once per PostgreSQL connection; the access check on its rows.
        let found = if let reader = database.reader {
            try reader.summaries(onNumber: number.e164)
        } else {
            PostgresNumberSummaries.summaries(try await database.rows(of: PostgresNumberSummaries(e164: number.e164)) ?? [])
        }
        return (number, found.filter { viewer.access.mayView(customerOwnedBy: $0.summary.ownerID, ownerTeam: $0.ownerTeam) }.map(\.summary))
    }
}
