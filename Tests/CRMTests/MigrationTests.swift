import TestSupport
import CRM
import SQLKit
import Testing

@Suite("Schema migrations")
struct MigrationTests {
    @Test("migrating twice applies nothing the second time", arguments: TestEngine.available)
    func idempotent(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let migrator = Migrator(database: store.database, logger: TestDatabase.logger)
            #expect(try await migrator.migrate() == [])
            #expect(try await migrator.currentVersion() == Migrator.all.last?.version)
        }
    }

    @Test("concurrent migrations from two daemons apply each version once", arguments: TestEngine.available)
    func concurrent(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let migrator = Migrator(database: store.database, logger: TestDatabase.logger)
            async let first = migrator.migrate()
            async let second = migrator.migrate()
            let applied = try await first + second
            #expect(applied.isEmpty)
            let rows = try await store.database.withConnection { sql in
                try await sql.select().column("version").from("schema_migrations").all(decodingColumn: "version", as: Int.self)
            }
            #expect(rows == Migrator.all.map(\.version))
        }
    }

    @Test("a database from a newer CallDesk is refused with a clear error", arguments: TestEngine.available)
    func newerSchemaRefused(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await store.database.withConnection { sql in
                try await sql.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', CURRENT_TIMESTAMP)").run()
            }
            let error = await #expect(throws: CRMError.self) {
                try await Migrator(database: store.database, logger: TestDatabase.logger).migrate()
            }
            #expect(error?.description.contains("upgrade CallDesk") == true)
        }
    }
}
