import Foundation
import GRDB
import Telephony
import Vocabulary

/// The hot reads on SQLite (a caller's lookup by phone, for the screen-pop and `GET /v1/lookup`):
/// several read-only connections beside the writer (WAL lets them read while it writes), each
/// keeping its prepared statements, one query per lookup, run on the caller's thread.
///
/// Why not SQLKit here (measured, `calldesk-bench lookup`, 1,000,000 customers): through
/// sqlite-nio's single pooled connection and its thread hops a lookup took p50 259 µs, p99 555 µs,
/// and queued behind writes; the same query through this reader takes a few microseconds.
/// Writes and every other read stay on SQLKit.
final class SQLiteReader: Sendable {
    private let pool: DatabasePool

    init(path: String, readers: Int = 4) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.maximumReaderCount = max(1, readers)
        configuration.label = "calldesk.sqlite-reader"
        // A checkpoint by the writer can hold a reader off for a moment: wait, do not fail the lookup.
        configuration.busyMode = .timeout(5)
        // Pages straight from the OS's cache by memory map, not a pread per page.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA mmap_size = 1073741824") }
        pool = try DatabasePool(path: path, configuration: configuration)
    }

    /// Customers on this exact E.164 number, by id.
    func customers(onNumber e164: String) throws -> [CustomerMatch] {
        try read { db in
            try Row.fetchAll(db.cachedStatement(sql: Self.matchSQL), arguments: [e164]).map { row in
                CustomerMatch(id: row[0], name: row[1], kind: CustomerKind(rawValue: row[2]) ?? .individual, ownerID: row[3])
            }
        }
    }

    /// Customers on this exact E.164 number with their phones, current grade and owner (and the
    /// owner's team, or the pool's for a pooled customer, for the access check), by id: one query.
    func summaries(onNumber e164: String) throws -> [(summary: CustomerSummary, ownerTeam: Int?)] {
        try read { db in
            var result: [(summary: CustomerSummary, ownerTeam: Int?)] = []
            var phones: [PhoneNumber] = []
            var current: Row?
            func flush() {
                guard let row = current else { return }
                let grade: String? = row[6]
                result.append((CustomerSummary(id: row[0], name: row[1], kind: CustomerKind(rawValue: row[2]) ?? .individual, phones: phones,
                                               grade: grade.flatMap(LeadGrade.init(rawValue:)), ownerID: row[3], ownerName: row[4]),
                               row[5]))
            }
            let rows = try Row.fetchCursor(db.cachedStatement(sql: Self.summarySQL), arguments: [e164])
            while let row = try rows.next() {
                let id: Int = row[0]
                if current.map({ $0[0] as Int }) != id {
                    flush()
                    current = row.copy()
                    phones = []
                }
                let kind: String = row[8]
                phones.append(PhoneNumber(e164: row[7], kind: PhoneKind(rawValue: kind) ?? .other))
            }
            flush()
            return result
        }
    }

    /// The enabled user holding a live token with this hash (every API request and every open event
    /// socket's re-check asks this).
    func user(forTokenHash hash: String, now: Date) throws -> User? {
        try read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: Self.tokenSQL), arguments: [hash, now.timeIntervalSince1970]) else { return nil }
            let role: String = row[2]
            guard let parsed = UserRole(rawValue: role) else { return nil }
            return User(id: row[0], name: row[1], role: parsed, extension: row[3], teamID: row[4], seniority: row[5])
        }
    }

    func close() throws {
        try pool.close()
    }

    /// A synchronous read on one of the reader connections (not GRDB's async variant, which hops
    /// threads). Each lookup is one SELECT, consistent on its own: no BEGIN and COMMIT around it.
    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.unsafeRead(body)
    }

    /// sqlite-nio stores a `Date` as its seconds since 1970 (a REAL).
    static let tokenSQL = """
        SELECT u.id, u.name, u.role, u.extension, u.team_id, u.seniority FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled_at IS NULL
        """

    static let matchSQL = """
        SELECT c.id, c.name, c.kind, c.owner_id FROM phones p JOIN customers c ON c.id = p.customer_id
        WHERE p.e164 = ? AND c.merged_into IS NULL ORDER BY c.id
        """

    static let summarySQL = """
        SELECT c.id, c.name, c.kind, c.owner_id, u.name, CASE WHEN c.owner_id IS NULL THEN c.pool_team_id ELSE u.team_id END,
               (SELECT l.grade FROM leads l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1),
               o.e164, o.kind
        FROM phones p
        JOIN customers c ON c.id = p.customer_id
        LEFT JOIN users u ON u.id = c.owner_id
        JOIN phones o ON o.customer_id = c.id
        WHERE p.e164 = ? AND c.merged_into IS NULL
        ORDER BY c.id, o.id
        """
}
