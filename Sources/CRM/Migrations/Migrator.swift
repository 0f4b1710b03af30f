import Foundation
import Logging
import SQLKit

/// Brings a database to the newest schema: idempotent, all pending migrations in one transaction,
/// and safe when several daemons start against one PostgreSQL at once (advisory lock).
public struct Migrator: Sendable {
    public static let all: [Migration] = [SchemaV1.migration, SchemaV2.migration, SchemaV3.migration, SchemaV4.migration, SchemaV5.migration,
                                           SchemaV6.migration, SchemaV7.migration, SchemaV8.migration, SchemaV9.migration]

    let database: CRMDatabase
    let logger: Logger

    public init(database: CRMDatabase, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// Applies every pending migration up to `target` (all when `nil`); returns the versions applied
    /// (empty when already current).
    @discardableResult
    public func migrate(through target: Int? = nil) async throws -> [Int] {
        let engine = database.engine
        return try await database.withTransaction { sql in
            if engine == .postgres {
                try await sql.raw("SELECT pg_advisory_xact_lock(\(literal: Self.lockKey))").run()
            }
            try await sql.create(table: "schema_migrations").ifNotExists()
                .column("version", type: .int, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("applied_at", type: .timestamp, .notNull)
                .run()
            let current = try await sql.select().column(SQLFunction("MAX", args: SQLColumn("version")), as: "v")
                .from("schema_migrations").first(decodingColumn: "v", as: Int?.self) ?? nil
            let known = Self.all.last?.version ?? 0
            if let current, current > known {
                throw CRMError.schemaTooNew(databaseVersion: current, knownVersion: known)
            }
            var applied: [Int] = []
            for migration in Self.all where migration.version > (current ?? 0) && migration.version <= (target ?? known) {
                do {
                    try await migration.apply(sql)
                } catch {
                    throw CRMError.migrationFailed(version: migration.version, name: migration.name, underlying: String(describing: error))
                }
                try await sql.insert(into: "schema_migrations")
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(Date()))
                    .run()
                applied.append(migration.version)
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
            return applied
        }
    }

    /// The schema version the database is at (0 when empty).
    public func currentVersion() async throws -> Int {
        try await database.withConnection { sql in
            let row = try? await sql.select().column(SQLFunction("MAX", args: SQLColumn("version")), as: "v")
                .from("schema_migrations").first(decodingColumn: "v", as: Int?.self)
            return (row ?? nil) ?? 0
        }
    }

    private static let lockKey = 0x0CA1_1DE5
}
