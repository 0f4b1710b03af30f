import SQLKit

extension SQLCreateTableBuilder {
    /// An auto-incrementing 64-bit primary key named `id`.
    func id() -> Self {
        column("id", type: .bigint, .primaryKey(autoIncrement: true))
    }
}

extension SQLDatabase {
    /// A plain index named after its table and columns.
    func index(_ table: String, _ columns: String...) async throws {
        var builder = create(index: "idx_\(table)_\(columns.joined(separator: "_"))").on(table)
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }
}
