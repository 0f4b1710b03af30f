import SQLKit

/// Requests that wait for a manager (closing a lead as lost, cancelling a call task), the imports
/// started over the API with their progress and reject file, agents' pauses (for today's pause
/// time), and when and why a lead was closed.
/// The first schema's `approvals` table was never written to; it is replaced by this one.
enum SchemaV7 {
    static let migration = Migration(version: 7, name: "approvals, imports, closed leads") { sql in
        try await sql.drop(table: "approvals").ifExists().run()
        try await sql.create(table: "approvals").id()
            .column("kind", type: .text, .notNull)
            .column("subject_id", type: .bigint, .notNull)
            .column("customer_id", type: .bigint, .references("customers", "id", onDelete: .setNull))
            .column("reason", type: .text, .notNull)
            .column("status", type: .text, .notNull)
            .column("requested_by", type: .bigint, .notNull, .references("users", "id"))
            .column("requested_at", type: .timestamp, .notNull)
            .column("decided_by", type: .bigint, .references("users", "id"))
            .column("decided_at", type: .timestamp)
            .column("note", type: .text)
            .run()
        try await sql.index("approvals", "status", "requested_at")
        try await sql.index("approvals", "kind", "subject_id")

        try await sql.create(table: "imports").id()
            .column("requested_by", type: .bigint, .notNull, .references("users", "id"))
            .column("file_name", type: .text, .notNull)
            .column("status", type: .text, .notNull)
            .column("encoding", type: .text)
            .column("rows_read", type: .int, .notNull, .default(0))
            .column("created", type: .int, .notNull, .default(0))
            .column("updated", type: .int, .notNull, .default(0))
            .column("unchanged", type: .int, .notNull, .default(0))
            .column("rejected", type: .int, .notNull, .default(0))
            .column("percent", type: .int, .notNull, .default(0))
            .column("error", type: .text)
            .column("rejects", type: .blob)
            .column("created_at", type: .timestamp, .notNull)
            .column("finished_at", type: .timestamp)
            .column("heartbeat_at", type: .timestamp, .notNull)
            .run()

        try await sql.create(table: "agent_pauses").id()
            .column("user_id", type: .bigint, .notNull, .references("users", "id"))
            .column("pbx", type: .text, .notNull)
            .column("reason", type: .text)
            .column("started_at", type: .timestamp, .notNull)
            .column("ended_at", type: .timestamp)
            .run()
        try await sql.index("agent_pauses", "user_id", "started_at")

        // Planned follow-ups carry their lead and period: a second pass, or a second daemon, adds none twice.
        try await sql.alter(table: "tasks").column("plan_key", type: .text).run()
        try await sql.create(index: "uq_tasks_plan_key").unique().on("tasks").column("plan_key").run()
        try await sql.alter(table: "tasks").column("lead_id", type: .bigint).run()

        try await sql.alter(table: "leads").column("closed_at", type: .timestamp).run()
        try await sql.alter(table: "leads").column("close_reason", type: .text).run()
    }
}
