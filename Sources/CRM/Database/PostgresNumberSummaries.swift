import PostgresKit
import Telephony
import Vocabulary

/// The API's lookup by number (`GET /v1/lookup`) as a PostgreSQL prepared statement, parsed and
/// planned once per connection: the same query `SQLiteReader` asks of SQLite, a row per phone of
/// each customer on the number (SQLKit's plain query is parsed and planned again on every call).
struct PostgresNumberSummaries: PostgresNumberStatement {
    typealias Row = (id: Int, name: String, kind: String, ownerID: Int?, ownerName: String?, ownerTeam: Int?, grade: String?,
                     phone: String?, phoneKind: String?)

    static let sql = """
        SELECT c.id, c.name, c.kind, c.owner_id, u.name,
               CASE WHEN c.owner_id IS NULL THEN c.pool_team_id ELSE u.team_id END,
               (SELECT l.grade FROM leads l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1),
               o.e164, o.kind
        FROM phones p JOIN customers c ON c.id = p.customer_id LEFT JOIN users u ON u.id = c.owner_id JOIN phones o ON o.customer_id = c.id
        WHERE p.e164 = $1 AND c.merged_into IS NULL ORDER BY c.id, o.id
        """

    let e164: String

    func decodeRow(_ row: PostgresRow) throws -> Row { try Self.decode(row) }

    /// One row of this statement's shape (also `PostgresCardReads.Summaries`').
    static func decode(_ row: PostgresRow) throws -> Row {
        let (id, name, kind, ownerID, ownerName, ownerTeam, grade, phone, phoneKind) =
            try row.decode((Int, String, String, Int?, String?, Int?, String?, String?, String?).self)
        return (id, name, kind, ownerID, ownerName, ownerTeam, grade, phone, phoneKind)
    }

    /// The customers in rows of this shape (a row per phone, by customer; one without a phone where the
    /// customer has none), with their owner's team.
    static func summaries(_ rows: [Row]) -> [(summary: CustomerSummary, ownerTeam: Int?)] {
        var found: [(summary: CustomerSummary, ownerTeam: Int?)] = []
        for (index, row) in rows.enumerated() where index == 0 || rows[index - 1].id != row.id {
            let phones = rows[index...].prefix { $0.id == row.id }.compactMap { row in
                row.phone.map { PhoneNumber(e164: $0, kind: row.phoneKind.flatMap(PhoneKind.init(rawValue:)) ?? .other) }
            }
            found.append((CustomerSummary(id: row.id, name: row.name, kind: CustomerKind(rawValue: row.kind) ?? .individual, phones: phones,
                                          grade: row.grade.flatMap(LeadGrade.init(rawValue:)), ownerID: row.ownerID, ownerName: row.ownerName),
                          row.ownerTeam))
        }
        return found
    }
}
