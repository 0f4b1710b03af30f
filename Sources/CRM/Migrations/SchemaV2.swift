import SQLKit

/// The call log: what a call record needs beyond V1 (live/ended state, times, how it ended),
/// every customer a call's number matched, and tasks that may belong to a team instead of a
/// customer's owner (a callback to an unknown caller).
enum SchemaV2 {
    static let migration = Migration(version: 2, name: "call log and callbacks") { sql in
        let columns: [(String, SQLDataType, [SQLColumnConstraintAlgorithm])] = [
            ("external_name", .text, []),
            ("hold_time", .int, []),
            ("talk_time", .int, []),
            ("hangup_cause", .int, []),
            ("agents_rung", .text, []),
            ("status", .text, [.notNull, .default("ended")]),
            ("ended_by", .text, []),
            ("last_seen_at", .timestamp, []),
            ("updated_at", .timestamp, []),
        ]
        // SQLite takes one column per ALTER TABLE.
        for (name, type, constraints) in columns {
            try await sql.alter(table: "calls").column(name, type: type, constraints).run()
        }
        try await sql.index("calls", "status", "pbx")
        try await sql.index("calls", "ring_at")

        try await sql.create(table: "call_customers")
            .column("call_id", type: .bigint, .notNull, .references("calls", "id", onDelete: .cascade))
            .column("customer_id", type: .bigint, .notNull, .references("customers", "id", onDelete: .cascade))
            .primaryKey("call_id", "customer_id")
            .run()
        try await sql.index("call_customers", "customer_id")

        try await relaxTasks(sql)
        try await sql.create(index: "uq_tasks_kind_call_id").unique().on("tasks").column("kind").column("call_id").run()
        try await sql.index("tasks", "team_id", "status")
    }

    /// Tasks get `team_id`, `call_id`, `phone_e164` and `note`; `customer_id` and `owner_id` become optional.
    private static func relaxTasks(_ sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("ALTER TABLE tasks ALTER COLUMN customer_id DROP NOT NULL, ALTER COLUMN owner_id DROP NOT NULL").run()
            for (name, type) in [("team_id", "BIGINT REFERENCES teams(id)"), ("call_id", "BIGINT REFERENCES calls(id) ON DELETE SET NULL"),
                                 ("phone_e164", "TEXT"), ("note", "TEXT")] {
                try await sql.raw("ALTER TABLE tasks ADD COLUMN \(unsafeRaw: name) \(unsafeRaw: type)").run()
            }
            return
        }
        // SQLite cannot drop NOT NULL: rebuild the table (nothing references tasks).
        try await sql.create(table: "tasks_v2")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("customer_id", type: .bigint, .references("customers", "id", onDelete: .cascade))
            .column("kind", type: .text, .notNull)
            .column("status", type: .text, .notNull)
            .column("owner_id", type: .bigint, .references("users", "id"))
            .column("campaign_id", type: .bigint, .references("campaigns", "id"))
            .column("due_at", type: .timestamp, .notNull)
            .column("attempts", type: .int, .notNull, .default(0))
            .column("result", type: .text)
            .column("created_at", type: .timestamp, .notNull)
            .column("updated_at", type: .timestamp, .notNull)
            .column("team_id", type: .bigint, .references("teams", "id"))
            .column("call_id", type: .bigint, .references("calls", "id", onDelete: .setNull))
            .column("phone_e164", type: .text)
            .column("note", type: .text)
            .run()
        let kept = "id, customer_id, kind, status, owner_id, campaign_id, due_at, attempts, result, created_at, updated_at"
        try await sql.raw("INSERT INTO tasks_v2 (\(unsafeRaw: kept)) SELECT \(unsafeRaw: kept) FROM tasks").run()
        try await sql.raw("DROP TABLE tasks").run()
        try await sql.raw("ALTER TABLE tasks_v2 RENAME TO tasks").run()
        try await sql.index("tasks", "owner_id", "status", "due_at")
        try await sql.index("tasks", "customer_id")
        try await sql.index("tasks", "campaign_id")
    }
}
