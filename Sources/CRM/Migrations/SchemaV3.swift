import SQLKit

/// Where a caller joined the queue (`QueueCallerJoin` Position), for waiting-line reports.
enum SchemaV3 {
    static let migration = Migration(version: 3, name: "queue position of a call") { sql in
        try await sql.alter(table: "calls").column("queue_position", type: .int).run()
    }
}
