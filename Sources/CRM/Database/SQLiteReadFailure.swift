import VaporCSQLite

/// A read on one of `SQLiteReader`'s connections failed: SQLite's extended result code and its message.
public struct SQLiteReadFailure: Error, Hashable, CustomStringConvertible {
    /// SQLite's extended result code (`SQLITE_BUSY`, `SQLITE_CANTOPEN`, …).
    public let code: Int32
    /// What SQLite said.
    public let message: String

    public var description: String {
        "SQLite could not read (\(String(cString: sqlite_nio_sqlite3_errstr(code))), code \(code)): \(message)"
    }

    /// Busy, locked, an I/O error or a file that would not open: worth retrying.
    var isTransient: Bool {
        [SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_INTERRUPT, SQLITE_FULL, SQLITE_NOMEM].contains(code & 0xFF)
    }
}
