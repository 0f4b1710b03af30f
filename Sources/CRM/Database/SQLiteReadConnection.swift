import Foundation
import VaporCSQLite

/// One read-only connection of `SQLiteReader`, on the same SQLite library as the writer (sqlite-nio's):
/// its statements prepared once, each query stepped on the caller's thread.
///
/// Used by one thread at a time (`SQLiteReader` lends it out exclusively), so it is opened without
/// SQLite's per-connection mutex.
final class SQLiteReadConnection: @unchecked Sendable {
    /// The queries a reader asks, each prepared once per connection.
    enum Query: Int, CaseIterable {
        case token, match, summary
        case cardCustomers, cardPhones, cardVehicles, cardPolicies, cardTasks, cardInteractions
    }

    /// A value bound to a `?` of a query.
    enum Argument {
        case text(String)
        case real(Double)
        case int(Int)
    }

    /// The current row of a query being stepped.
    struct Columns: ~Copyable {
        fileprivate let statement: OpaquePointer

        func int(_ column: Int32) -> Int { Int(sqlite_nio_sqlite3_column_int64(statement, column)) }

        func optionalInt(_ column: Int32) -> Int? {
            sqlite_nio_sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : int(column)
        }

        func text(_ column: Int32) -> String { optionalText(column) ?? "" }

        /// A time as sqlite-nio writes it (seconds since 1970), or ISO 8601 text.
        func date(_ column: Int32) -> Date {
            if sqlite_nio_sqlite3_column_type(statement, column) == SQLITE_TEXT {
                return (try? Date(text(column), strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
            }
            return Date(timeIntervalSince1970: sqlite_nio_sqlite3_column_double(statement, column))
        }

        func optionalText(_ column: Int32) -> String? {
            guard let bytes = sqlite_nio_sqlite3_column_text(statement, column) else { return nil }
            let count = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }
    }

    private let handle: OpaquePointer
    private var statements: [OpaquePointer?]
    private let sql: (Query) -> String

    /// Opens `path` read-only; `sql` gives each query's text, prepared when first asked.
    init(path: String, sql: @escaping (Query) -> String) throws(SQLiteReadFailure) {
        var opened: OpaquePointer?
        let status = sqlite_nio_sqlite3_open_v2(path, &opened, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard status == SQLITE_OK, let opened else {
            let failure = SQLiteReadFailure(code: status, message: opened.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory")
            sqlite_nio_sqlite3_close_v2(opened)
            throw failure
        }
        handle = opened
        statements = Array(repeating: nil, count: Query.allCases.count)
        self.sql = sql
        // A checkpoint by the writer can hold a reader off for a moment: wait, do not fail the lookup.
        sqlite_nio_sqlite3_busy_timeout(handle, 5_000)
        // Pages straight from the OS's cache by memory map, not a read per page.
        let mapped = sqlite_nio_sqlite3_exec(handle, "PRAGMA mmap_size = 1073741824", nil, nil, nil)
        guard mapped == SQLITE_OK else {
            let failure = SQLiteReadFailure(code: mapped, message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
            sqlite_nio_sqlite3_close_v2(handle)
            throw failure
        }
    }

    deinit {
        for statement in statements { sqlite_nio_sqlite3_finalize(statement) }
        sqlite_nio_sqlite3_close_v2(handle)
    }

    /// Runs `query` with `arguments` bound in order, handing each result row to `row`. One SELECT,
    /// consistent on its own: no BEGIN and COMMIT around it.
    func rows(_ query: Query, _ arguments: [Argument], row: (borrowing Columns) throws -> Void) throws {
        let statement = try prepared(query)
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (index, argument) in arguments.enumerated() {
            let position = Int32(index + 1)
            let status = switch argument {
            case .text(let text): sqlite_nio_sqlite3_bind_text64(statement, position, text, UInt64(text.utf8.count), SQLITE_TRANSIENT,
                                                                 UInt8(SQLITE_UTF8))
            case .real(let value): sqlite_nio_sqlite3_bind_double(statement, position, value)
            case .int(let value): sqlite_nio_sqlite3_bind_int64(statement, position, Int64(value))
            }
            guard status == SQLITE_OK else { throw failure() }
        }
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw failure() }
            try row(Columns(statement: statement))
        }
    }

    /// Runs `body`'s queries in one read transaction: one snapshot of the database for all of them.
    func inReadTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            sqlite_nio_sqlite3_exec(handle, "ROLLBACK", nil, nil, nil)
            throw error
        }
    }

    private func execute(_ sql: String) throws(SQLiteReadFailure) {
        let status = sqlite_nio_sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw failure() }
    }

    /// How often SQLite prepared `query` again since this connection prepared it (0 for one never run).
    func reprepares(_ query: Query) -> Int {
        statements[query.rawValue].map { Int(sqlite_nio_sqlite3_stmt_status($0, Int32(SQLITE_STMTSTATUS_REPREPARE), 0)) } ?? 0
    }

    private func prepared(_ query: Query) throws(SQLiteReadFailure) -> OpaquePointer {
        if let statement = statements[query.rawValue] { return statement }
        var statement: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql(query), -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure() }
        statements[query.rawValue] = statement
        return statement
    }

    /// What the last call on this connection failed with (its extended result code and message).
    private func failure() -> SQLiteReadFailure {
        SQLiteReadFailure(code: sqlite_nio_sqlite3_extended_errcode(handle), message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
    }
}

/// `SQLITE_TRANSIENT`: SQLite copies a bound text before the call returns.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
