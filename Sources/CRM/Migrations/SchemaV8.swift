import SQLKit

/// Notifications for the people concerned (reassigned to you, approval needed or decided,
/// escalated), the escalations already made, each once by its key (a second pass, a second
/// daemon or a catch-up after downtime makes none twice), and tasks' priority and policy (renewals).
enum SchemaV8 {
    static let migration = Migration(version: 8, name: "notifications and escalations") { sql in
        try await sql.create(table: "notifications").id()
            .column("user_id", type: .bigint, .notNull, .references("users", "id", onDelete: .cascade))
            .column("kind", type: .text, .notNull)
            .column("entity", type: .text, .notNull)
            .column("entity_id", type: .bigint, .notNull)
            .column("customer_id", type: .bigint, .references("customers", "id", onDelete: .setNull))
            .column("message", type: .text, .notNull)
            .column("created_at", type: .timestamp, .notNull)
            .column("read_at", type: .timestamp)
            .run()
        try await sql.index("notifications", "user_id", "id")

        try await sql.create(table: "escalations").id()
            .column("key", type: .text, .notNull, .unique)
            .column("rule", type: .text, .notNull)
            .column("entity", type: .text, .notNull)
            .column("entity_id", type: .bigint, .notNull)
            .column("from_user", type: .bigint, .references("users", "id"))
            .column("to_user", type: .bigint, .references("users", "id"))
            .column("made_at", type: .timestamp, .notNull)
            .run()

        try await sql.alter(table: "tasks").column("priority", type: .int, .notNull, .default(0)).run()
        try await sql.alter(table: "tasks").column("policy_id", type: .bigint).run()

        // Planning asks, per lead, whether its customer has an open follow-up: a partial index answers
        // that from the few open follow-ups, not from every task ever made (the same SQL on both engines).
        try await sql.raw("CREATE INDEX idx_tasks_open_follow_up ON tasks (customer_id) WHERE kind = 'follow_up' AND status = 'open'").run()
        // Escalation looks for leads graded long ago.
        try await sql.index("leads", "grade", "graded_at")
    }
}
