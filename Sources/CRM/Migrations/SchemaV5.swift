import SQLKit

/// Every agent who took a call, not only the one who answered: a call transferred to a colleague
/// is theirs too (they see it and log its outcome). Filled from `calls.agent_id` for calls so far.
enum SchemaV5 {
    static let migration = Migration(version: 5, name: "agents of a call") { sql in
        try await sql.create(table: "call_agents")
            .column("call_id", type: .bigint, .notNull, .references("calls", "id", onDelete: .cascade))
            .column("user_id", type: .bigint, .notNull, .references("users", "id"))
            .column("seq", type: .int, .notNull)
            .primaryKey("call_id", "user_id")
            .run()
        try await sql.index("call_agents", "user_id", "call_id")
        try await sql.raw("INSERT INTO call_agents (call_id, user_id, seq) SELECT id, agent_id, 0 FROM calls WHERE agent_id IS NOT NULL").run()
    }
}
