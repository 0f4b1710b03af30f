import PostgresKit

/// The screen-pop's lookup by number as a PostgreSQL prepared statement, parsed and planned once per
/// connection: the customers on the number, as `SQLiteReader` asks SQLite (SQLKit's plain query is
/// parsed and planned again on every call, which cost more than the lookup itself).
struct PostgresNumberMatches: PostgresNumberStatement {
    typealias Row = CustomerMatch

    static let sql = """
        SELECT c.id, c.name, c.kind, c.owner_id FROM phones p JOIN customers c ON c.id = p.customer_id
        WHERE p.e164 = $1 AND c.merged_into IS NULL ORDER BY c.id
        """

    let e164: String

    func decodeRow(_ row: PostgresRow) throws -> CustomerMatch {
        let (id, name, kind, ownerID) = try row.decode((Int, String, String, Int?).self)
        return CustomerMatch(id: id, name: name, kind: CustomerKind(rawValue: kind) ?? .individual, ownerID: ownerID)
    }
}
