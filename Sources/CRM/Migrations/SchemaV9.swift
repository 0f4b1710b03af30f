import SQLKit

/// Customer pools (公海): customers and leads may have no owner; a pooled customer names its pool
/// (team or marketing) and the team it is kept for (none: the whole centre's), and every change of
/// hands is kept in `owner_moves`, which also answers the daily claim limit and the cooldown.
/// A customer may name its time zone (IANA; none: the centre's), in whose working hours its calls fall.
enum SchemaV9 {
    static let migration = Migration(version: 9, name: "customer pools and time zones") { sql in
        try await dropOwnerNotNull(sql)
        try await sql.alter(table: "customers").column("time_zone", type: .text).run()
        try await sql.alter(table: "customers").column("pool", type: .text).run()
        try await sql.alter(table: "customers").column("pool_team_id", type: .bigint, .references("teams", "id")).run()
        try await sql.alter(table: "customers").column("pooled_at", type: .timestamp).run()
        try await sql.alter(table: "customers").column("claimed_at", type: .timestamp).run()
        try await sql.index("customers", "pool", "pool_team_id")
        // Recycling looks only at claimed customers.
        try await sql.index("customers", "claimed_at")

        try await sql.create(table: "owner_moves").id()
            .column("customer_id", type: .bigint, .notNull, .references("customers", "id", onDelete: .cascade))
            .column("kind", type: .text, .notNull)
            .column("from_user", type: .bigint, .references("users", "id"))
            .column("to_user", type: .bigint, .references("users", "id"))
            .column("pool", type: .text)
            .column("team_id", type: .bigint, .references("teams", "id"))
            .column("by_user", type: .bigint, .references("users", "id"))
            .column("reason", type: .text)
            .column("moved_at", type: .timestamp, .notNull)
            .run()
        try await sql.index("owner_moves", "customer_id", "moved_at")
        try await sql.index("owner_moves", "to_user", "kind", "moved_at")
    }

    /// `customers.owner_id` and `leads.owner_id` lose NOT NULL. PostgreSQL alters the columns. SQLite
    /// cannot, and rebuilding `customers` would need foreign keys off, which a transaction cannot do;
    /// removing a NOT NULL constraint is one of the changes SQLite documents as safe to make by
    /// editing the stored schema (https://sqlite.org/lang_altertable.html, "making other kinds of
    /// table schema changes"): the file format does not change, the schema version is bumped so every
    /// connection re-reads it, and an integrity check follows.
    private static func dropOwnerNotNull(_ sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("ALTER TABLE customers ALTER COLUMN owner_id DROP NOT NULL").run()
            try await sql.raw("ALTER TABLE leads ALTER COLUMN owner_id DROP NOT NULL").run()
            return
        }
        struct Version: Decodable { let schema_version: Int }
        guard let version = try await sql.raw("PRAGMA schema_version").first(decoding: Version.self)?.schema_version else {
            throw SchemaEditError(reason: "PRAGMA schema_version answered nothing")
        }
        try await sql.raw("PRAGMA writable_schema = ON").run()
        for table in ["customers", "leads"] {
            let updated = try await sql.raw("""
                UPDATE sqlite_master SET sql = replace(sql, '"owner_id" INTEGER NOT NULL', '"owner_id" INTEGER')
                WHERE type = 'table' AND name = \(bind: table) AND instr(sql, '"owner_id" INTEGER NOT NULL') > 0
                RETURNING name
                """).all()
            guard updated.count == 1 else {
                try await sql.raw("PRAGMA writable_schema = OFF").run()
                throw SchemaEditError(reason: "\(table).owner_id is not declared as expected")
            }
        }
        try await sql.raw("PRAGMA schema_version = \(unsafeRaw: String(version + 1))").run()
        try await sql.raw("PRAGMA writable_schema = OFF").run()
        struct Check: Decodable { let integrity_check: String }
        let check = try await sql.raw("PRAGMA integrity_check").all(decoding: Check.self).map(\.integrity_check)
        guard check == ["ok"] else { throw SchemaEditError(reason: "integrity check after the edit: \(check.joined(separator: "; "))") }
    }
}

/// SQLite's stored schema was not what the pool migration expects to edit.
struct SchemaEditError: Error, CustomStringConvertible {
    let reason: String
    var description: String { "cannot relax the owner columns: \(reason)" }
}
