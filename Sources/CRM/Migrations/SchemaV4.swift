import SQLKit

/// Calls logged under the first schema name their customer in `calls.customer_id`; since V2 a
/// call's customers are read from `call_customers`. Copies the old link over so upgraded calls
/// stay on their customer's history.
enum SchemaV4 {
    static let migration = Migration(version: 4, name: "V1 calls linked to their customer") { sql in
        try await sql.raw("""
            INSERT INTO call_customers (call_id, customer_id)
            SELECT id, customer_id FROM calls WHERE customer_id IS NOT NULL
            ON CONFLICT DO NOTHING
            """).run()
    }
}
