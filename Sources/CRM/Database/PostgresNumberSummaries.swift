import PostgresKit

/// The API's lookup by number (`GET /v1/lookup`) as a PostgreSQL prepared statement, parsed and
/// planned once per connection: the same query `SQLiteReader` asks of SQLite, a row per phone of
/// each customer on the number (SQLKit's plain query is parsed and planned again on every call).
struct PostgresNumberSummaries: PostgresNumberStatement {
    typealias Row = (id: Int, name: String, kind: String, ownerID: Int?, ownerName: String?, ownerTeam: Int?, grade: String?,
                     phone: String, phoneKind: String)

    static let sql = """
        SELECT c.id, c.name, c.kind, c.owner_id, u.name,
               CASE WHEN c.owner_id IS NULL THEN c.pool_team_id ELSE u.team_id END,
               (SELECT l.grade FROM leads l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1),
               o.e164, o.kind
        FROM phones p JOIN customers c ON c.id = p.customer_id LEFT JOIN users u ON u.id = c.owner_id JOIN phones o ON o.customer_id = c.id
        WHERE p.e164 = $1 AND c.merged_into IS NULL ORDER BY c.id, o.id
        """

    let e164: String

    func decodeRow(_ row: PostgresRow) throws -> Row {
        let (id, name, kind, ownerID, ownerName, ownerTeam, grade, phone, phoneKind) =
            try row.decode((Int, String, String, Int?, String?, Int?, String?, String, String).self)
        return (id, name, kind, ownerID, ownerName, ownerTeam, grade, phone, phoneKind)
    }
}
