import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import SQLiteKit
import Secrets
import Synchronization

/// A pool of connections to the CRM database that hands out `SQLDatabase`s and runs transactions.
///
/// This is the only place that knows which database is behind the store; every query above it is
/// written once with SQLKit. SQLite gets one connection (its writes are serialised anyway) in WAL
/// mode; PostgreSQL gets a small pool per event loop.
public final class CRMDatabase: Sendable {
    /// Which SQL engine is behind the pool.
    public enum Engine: String, Sendable { case sqlite, postgres }

    public let engine: Engine
    public let location: DatabaseLocation
    private let pool: Pool
    private let eventLoopGroup: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let opening = OpeningCounter()
    private let readerSlot = Mutex<SQLiteReader?>(nil)

    /// On SQLite, once prepared: the read-only connections of the hot lookups (`SQLiteReader`).
    var reader: SQLiteReader? { readerSlot.withLock { $0 } }

    /// AsyncKit's pools guard their state with a lock but are not annotated `Sendable`.
    private enum Pool: @unchecked Sendable {
        case sqlite(EventLoopGroupConnectionPool<OpeningCountingSource<SQLiteConnectionSource>>)
        case postgres(EventLoopGroupConnectionPool<OpeningCountingSource<PostgresConnectionSource>>, searchPath: [String]?)
    }

    /// Opens a pool to `location`; call `shutdown()` when done.
    public init(location: DatabaseLocation, logger: Logger, maxConnections: Int = 4) throws(CRMError) {
        self.location = location
        self.logger = logger
        switch location {
        case .sqlite(let path):
            let absolute = URL(fileURLWithPath: path).path
            let directory = URL(fileURLWithPath: absolute).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: directory) else {
                throw CRMError.invalidDatabaseURL(url: "sqlite://\(path)", reason: "directory \(directory) does not exist")
            }
            // A new database file is its owner's alone (0600); SQLite gives its -wal and -shm files the same mode.
            if !FileManager.default.fileExists(atPath: absolute),
               !FileManager.default.createFile(atPath: absolute, contents: nil, attributes: [.posixPermissions: 0o600]) {
                throw CRMError.invalidDatabaseURL(url: "sqlite://\(path)", reason: "cannot create \(absolute) (is the directory writable?)")
            }
            engine = .sqlite
            eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let source = SQLiteConnectionSource(configuration: .init(storage: .file(path: absolute), enableForeignKeys: true))
            pool = .sqlite(EventLoopGroupConnectionPool(
                source: OpeningCountingSource(base: source, opening: opening), maxConnectionsPerEventLoop: 1, requestTimeout: .seconds(30), logger: logger, on: eventLoopGroup))
        case .postgres(let url, let schema):
            engine = .postgres
            var configuration: SQLPostgresConfiguration
            do {
                configuration = try SQLPostgresConfiguration(url: Self.urlWithoutQuery(url))
            } catch {
                throw CRMError.invalidDatabaseURL(url: Redaction.url(url), reason: "\(error)")
            }
            if let schema { configuration.searchPath = [schema] }
            // Times are stored as TIMESTAMP (without zone) and PostgresNIO reads them as UTC: a server,
            // database or role set to another zone (Asia/Shanghai on a server installed in China)
            // would shift every time read back. The session's zone is UTC whatever the server says.
            configuration.coreConfiguration.options.additionalStartupParameters.append(("TimeZone", "UTC"))
            eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            pool = .postgres(EventLoopGroupConnectionPool(
                source: OpeningCountingSource(base: PostgresConnectionSource(sqlConfiguration: configuration), opening: opening),
                maxConnectionsPerEventLoop: maxConnections, requestTimeout: .seconds(30), logger: logger, on: eventLoopGroup),
                searchPath: schema.map { [$0] })
        }
    }

    private static func urlWithoutQuery(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return url }
        components.queryItems = components.queryItems?.filter { $0.name != "schema" }
        if components.queryItems?.isEmpty == true { components.queryItems = nil }
        return components.string ?? url
    }

    /// Runs `body` with one leased connection; statements run in autocommit mode.
    public func withConnection<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        switch pool {
        case .sqlite(let pool):
            let connection = try await lease(pool)
            defer { pool.releaseConnection(connection) }
            return try await body(connection.sql(queryLogLevel: nil))
        case .postgres(let pool, _):
            let connection = try await lease(pool)
            defer { pool.releaseConnection(connection) }
            return try await body(connection.sql(queryLogLevel: nil))
        }
    }

    /// On PostgreSQL, the rows of a prepared statement (parsed and planned once per connection) run on
    /// one leased connection; `nil` on SQLite.
    func rows<Statement: PostgresPreparedStatement>(of statement: Statement) async throws -> [Statement.Row]? where Statement.Row: Sendable {
        guard case .postgres(let pool, _) = pool else { return nil }
        let connection = try await lease(pool)
        defer { pool.releaseConnection(connection) }
        return try await connection.execute(statement, logger: logger).reduce(into: []) { $0.append($1) }
    }

    /// Runs a future-returning `body` on one leased connection entirely on the pool's event loop,
    /// so a short read costs one hop in and one out (the screen-pop lookup path).
    public func withConnectionFuture<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) -> EventLoopFuture<T>) async throws -> T {
        let eventLoop = eventLoopGroup.next()
        let future: EventLoopFuture<T>
        switch pool {
        case .sqlite(let pool):
            future = pool.withConnection(logger: logger, on: eventLoop) { body($0.sql(queryLogLevel: nil)) }
        case .postgres(let pool, _):
            future = pool.withConnection(logger: logger, on: eventLoop) { body($0.sql(queryLogLevel: nil)) }
        }
        do {
            return try await future.get()
        } catch let error as ConnectionPoolError {
            throw CRMError.databaseUnavailable(location: location.description, underlying: Self.explain(error))
        }
    }

    private func lease<Source: ConnectionPoolSource>(_ pool: EventLoopGroupConnectionPool<Source>) async throws -> Source.Connection
        where Source.Connection: Sendable {
        do {
            return try await pool.requestConnection(logger: logger).get()
        } catch {
            throw CRMError.databaseUnavailable(location: location.description, underlying: Self.explain(error))
        }
    }

    /// Why a connection could not be had, without the query or its values: PostgreSQL's own message
    /// ("sorry, too many clients already", "password authentication failed …") or the socket's error.
    public static func explain(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let message = error.serverInfo?[.message] {
            return "PostgreSQL says: \(message)" + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        return error.underlying.map { "\(error.code): \($0)" } ?? "\(error.code)"
    }

    /// Runs `body` inside one transaction: committed when it returns, rolled back when it throws.
    public func withTransaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await withConnection { sql in
            try await sql.raw(engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
            do {
                let result = try await body(sql)
                try await sql.raw("COMMIT").run()
                return result
            } catch {
                try? await sql.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// Applies per-connection settings; called once after opening.
    func prepare() async throws {
        guard engine == .sqlite else { return }
        try await withConnection { sql in
            try await sql.raw("PRAGMA journal_mode = WAL").run()
            try await sql.raw("PRAGMA synchronous = NORMAL").run()
            try await sql.raw("PRAGMA busy_timeout = 5000").run()
        }
        // The readers open once the file is in WAL mode (read-only connections cannot switch it).
        if case .sqlite(let path) = location {
            do {
                let reader = try SQLiteReader(path: URL(fileURLWithPath: path).path)
                readerSlot.withLock { $0 = reader }
            } catch {
                throw CRMError.invalidDatabaseURL(url: "sqlite://\(path)", reason: "cannot open its readers: \(error)")
            }
        }
    }

    /// Closes every connection and the pool's event loop.
    public func shutdown() async {
        readerSlot.withLock { reader in
            reader?.close()
            reader = nil
        }
        switch pool {
        case .sqlite(let pool): try? await pool.shutdownAsync()
        case .postgres(let pool, _): try? await pool.shutdownAsync()
        }
        // A connection still opening would be torn down with the event loops; let it finish (the
        // closed pool then closes it). Bounded by the connect timeout a hung server could cause.
        await opening.settle(limit: .seconds(10))
        try? await eventLoopGroup.shutdownGracefully()
    }
}
