import Foundation
import Synchronization
import Telephony
import VaporCSQLite
import Vocabulary

/// The hot reads on SQLite (a caller's lookup by phone, for the screen-pop and `GET /v1/lookup`, and
/// every API request's token): read-only connections beside the writer (WAL lets them read while it
/// writes), each keeping its prepared statements, one query per lookup, run on the caller's thread.
///
/// Why not SQLKit here (measured, `calldesk-bench lookup`, 1,000,000 customers): through
/// sqlite-nio's single pooled connection and its thread hops a lookup took p50 259 µs, p99 555 µs,
/// and queued behind writes. Writes and every other read stay on SQLKit.
///
/// The connections are opened on sqlite-nio's own SQLite, the library the writer uses: a second copy
/// of SQLite in the process (GRDB's system library did this before) would not see the writer's POSIX
/// locks, which a process shares among all its file handles, so a checkpoint could restart the WAL
/// under a reader, and closing one copy's handle drops the other's locks (sqlite.org, "How To
/// Corrupt An SQLite Database File", 2.2.1).
final class SQLiteReader: Sendable {
    private struct State: ~Copyable {
        var idle: [SQLiteReadConnection] = []
        var closed = false
    }

    private let path: String
    private let keptIdle: Int
    private let state = Mutex(State())

    /// Opens one connection at once (so a file that cannot be read fails here); more open as callers
    /// overlap, and up to `readers` stay open between reads.
    init(path: String, readers: Int = 4) throws(SQLiteReadFailure) {
        self.path = path
        keptIdle = max(1, readers)
        let first = try SQLiteReadConnection(path: path, sql: Self.sql)
        state.withLock { $0.idle.append(first) }
    }

    /// Customers on this exact E.164 number, by id.
    func customers(onNumber e164: String) throws -> [CustomerMatch] {
        var matches: [CustomerMatch] = []
        try read { connection in
            try connection.rows(.match, [.text(e164)]) { row in
                matches.append(CustomerMatch(id: row.int(0), name: row.text(1), kind: CustomerKind(rawValue: row.text(2)) ?? .individual,
                                             ownerID: row.optionalInt(3)))
            }
        }
        return matches.sorted { $0.id < $1.id }
    }

    /// Customers on this exact E.164 number with their phones, current grade and owner (and the
    /// owner's team, or the pool's for a pooled customer, for the access check), by id: one query.
    func summaries(onNumber e164: String) throws -> [(summary: CustomerSummary, ownerTeam: Int?)] {
        struct Customer {
            let name: String, kind: CustomerKind, ownerID: Int?, ownerName: String?, ownerTeam: Int?, grade: LeadGrade?
        }
        var customers: [Int: Customer] = [:]
        var phones: [(customerID: Int, phoneID: Int, number: PhoneNumber)] = []
        try read { connection in
            try connection.rows(.summary, [.text(e164)]) { row in
                let id = row.int(0)
                if customers[id] == nil {
                    customers[id] = Customer(name: row.text(1), kind: CustomerKind(rawValue: row.text(2)) ?? .individual,
                                             ownerID: row.optionalInt(3), ownerName: row.optionalText(4), ownerTeam: row.optionalInt(5),
                                             grade: row.optionalText(6).flatMap(LeadGrade.init(rawValue:)))
                }
                phones.append((id, row.int(9), PhoneNumber(e164: row.text(7), kind: PhoneKind(rawValue: row.text(8)) ?? .other)))
            }
        }
        phones.sort { ($0.customerID, $0.phoneID) < ($1.customerID, $1.phoneID) }
        return customers.sorted { $0.key < $1.key }.map { id, customer in
            (CustomerSummary(id: id, name: customer.name, kind: customer.kind, phones: phones.filter { $0.customerID == id }.map(\.number),
                             grade: customer.grade, ownerID: customer.ownerID, ownerName: customer.ownerName), customer.ownerTeam)
        }
    }

    /// The enabled user holding a live token with this hash (every API request and every open event
    /// socket's re-check asks this).
    func user(forTokenHash hash: String, now: Date) throws -> User? {
        var user: User?
        try read { connection in
            try connection.rows(.token, [.text(hash), .real(now.timeIntervalSince1970)]) { row in
                guard let role = UserRole(rawValue: row.text(2)) else { return }
                user = User(id: row.int(0), name: row.text(1), role: role, extension: row.optionalText(3), teamID: row.optionalInt(4),
                            seniority: row.int(5))
            }
        }
        return user
    }

    /// Closes the idle connections now and each lent one as it comes back; reads after this fail.
    func close() {
        state.withLock { state in
            state.closed = true
            state.idle.removeAll()
        }
    }

    /// Lends `body` a connection of its own: an idle one, or a new one when every one is busy.
    func read(_ body: (SQLiteReadConnection) throws -> Void) throws {
        let lent = try state.withLock { state throws(SQLiteReadFailure) -> SQLiteReadConnection? in
            guard !state.closed else { throw SQLiteReadFailure(code: SQLITE_MISUSE, message: "the database is closed") }
            return state.idle.popLast()
        }
        let connection = try lent ?? SQLiteReadConnection(path: path, sql: Self.sql)
        defer {
            state.withLock { state in
                if !state.closed, state.idle.count < keptIdle { state.idle.append(connection) }
            }
        }
        try body(connection)
    }

    /// Each query's text.
    static func sql(_ query: SQLiteReadConnection.Query) -> String {
        switch query {
        case .token: tokenSQL
        case .match: matchSQL
        case .summary: summarySQL
        case .cardCustomers: Cards.customers
        case .cardPhones: Cards.phones
        case .cardVehicles: Cards.vehicles
        case .cardPolicies: Cards.policies
        case .cardTasks: Cards.tasks
        case .cardInteractions: Cards.interactions
        }
    }

    // Each `?` is written `CAST(? AS …)`: SQLite (3.54) prepares a statement again at every new
    // binding when its planner looked at a bare `?` (a join on `e164 = ?`, an ORDER BY beside it),
    // which cost a parse and a plan per lookup (`SQLITE_STMTSTATUS_REPREPARE`); a cast is not looked
    // into and still uses the index. The rows are few and sorted in Swift.

    /// sqlite-nio stores a `Date` as its seconds since 1970 (a REAL).
    static let tokenSQL = """
        SELECT u.id, u.name, u.role, u.extension, u.team_id, u.seniority FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = CAST(? AS TEXT) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > CAST(? AS REAL)) AND u.disabled_at IS NULL
        """

    static let matchSQL = """
        SELECT c.id, c.name, c.kind, c.owner_id FROM phones p JOIN customers c ON c.id = p.customer_id
        WHERE p.e164 = CAST(? AS TEXT) AND c.merged_into IS NULL
        """

    static let summarySQL = """
        SELECT c.id, c.name, c.kind, c.owner_id, u.name, CASE WHEN c.owner_id IS NULL THEN c.pool_team_id ELSE u.team_id END,
               (SELECT l.grade FROM leads l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1),
               o.e164, o.kind, o.id
        FROM phones p
        JOIN customers c ON c.id = p.customer_id
        LEFT JOIN users u ON u.id = c.owner_id
        JOIN phones o ON o.customer_id = c.id
        WHERE p.e164 = CAST(? AS TEXT) AND c.merged_into IS NULL
        """
}
