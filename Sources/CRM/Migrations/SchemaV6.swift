import SQLKit

/// API tokens in their own table (several per user, each listed by id, revocable and expiring) and a
/// password hash for the login page. The tokens users hold today move over unchanged.
enum SchemaV6 {
    static let migration = Migration(version: 6, name: "api tokens and passwords") { sql in
        try await sql.create(table: "api_tokens").id()
            .column("user_id", type: .bigint, .notNull, .references("users", "id", onDelete: .cascade))
            .column("token_hash", type: .text, .notNull, .unique)
            .column("label", type: .text, .notNull)
            .column("created_at", type: .timestamp, .notNull)
            .column("expires_at", type: .timestamp)
            .column("revoked_at", type: .timestamp)
            .run()
        try await sql.index("api_tokens", "user_id")
        try await sql.alter(table: "users").column("password_hash", type: .text).run()
        try await sql.raw("""
            INSERT INTO api_tokens (user_id, token_hash, label, created_at)
            SELECT id, api_token_hash, 'cli', created_at FROM users WHERE api_token_hash IS NOT NULL
            """).run()
        try await sql.update("users").set("api_token_hash", to: SQLLiteral.null).run()
    }
}
