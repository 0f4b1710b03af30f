import Foundation
import TestSupport
import CRM
import SQLKit
import Telephony
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

@Suite("Opening a database")
struct DatabaseOpeningTests {
    @Test("a PostgreSQL that refuses the connection is explained in its own words, without the password",
          .enabled(if: TestEngine.available.contains(.postgres)))
    func refusalExplained() async throws {
        var parts = try #require(URLComponents(string: TestEngine.postgresURL ?? ""))
        parts.path = "/no_such_database"
        parts.password = "s3cret-pw"
        let error = await #expect(throws: CRMError.self) {
            let store = try await CRMStore.open(location: .postgres(url: parts.string!, schema: nil),
                                            normalizer: PhoneNormalizer(plan: .china), logger: TestDatabase.logger)
            await store.close()
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("PostgreSQL says: database \"no_such_database\" does not exist"))
        #expect(!text.contains("s3cret-pw"))
    }
}
