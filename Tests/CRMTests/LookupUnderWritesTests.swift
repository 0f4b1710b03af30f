@testable import CRM
import Foundation
import SQLKit
import Synchronization
import TestSupport
import Testing

@Suite("SQLite readers beside the writer")
struct LookupUnderWritesTests {
    /// The writer adds customers with two phones each, one transaction per customer, while four readers
    /// look up the numbers written so far: each lookup finds its customer whole (both phones), never
    /// half a write and never an error, nor its card. On SQLite the writer also checkpoints and restarts
    /// the WAL every 50 customers, under the readers' feet.
    @Test("lookups during writes and checkpoints find each committed customer whole", arguments: TestEngine.available)
    func wholeCustomers(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let progress = Progress()
            let customers = 400
            try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    for i in 0..<customers {
                        _ = try await store.seedCustomer("客户\(i)", phones: [Self.mobile(i), Self.landline(i)])
                        progress.written.withLock { $0 = i + 1 }
                        if engine == .sqlite, i % 50 == 49 {
                            try await store.database.withConnection { sql in try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").run() }
                        }
                    }
                    return 0
                }
                for reader in 0..<4 {
                    group.addTask {
                        var looked = 0
                        var generator = SeededGenerator(seed: UInt64(reader + 1))
                        while true {
                            let done = progress.written.withLock { $0 }
                            if done == customers && looked > 0 { return looked }
                            guard done > 0 else { try await Task.sleep(for: .milliseconds(1)); continue }
                            let i = Int.random(in: 0..<done, using: &generator)
                            let found = try await store.lookup(phone: Self.mobile(i), visibleTo: Self.admin)
                            #expect(found.customers.map(\.name) == ["客户\(i)"])
                            #expect(Set(found.customers.first?.phones.map(\.e164) ?? []) == [Self.mobile(i), Self.landline(i)])
                            let cards = try await store.customerCards(ids: found.customers.map(\.id))
                            #expect(cards.map(\.name) == ["客户\(i)"] && cards.first?.phones.count == 2)
                            looked += 1
                            // A lookup on SQLite never suspends: let the writer have the thread too.
                            await Task.yield()
                        }
                    }
                }
                var lookups = 0
                for try await count in group { lookups += count }
                #expect(lookups > customers)
            }
        }
    }

    /// Two copies of SQLite in one process do not see each other's POSIX locks on the same file (a
    /// process shares them): the readers must use the writer's library, sqlite-nio's.
    @Test("the process has one SQLite library: no system libsqlite3 loaded beside sqlite-nio's")
    func oneSQLiteLibrary() async throws {
        try await TestDatabase.withStore(.sqlite) { store async throws in
            _ = try await store.lookup(phone: "13800138000", visibleTo: Self.admin)
            let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
            let libraries = Set(maps.split(separator: "\n").compactMap { $0.split(separator: " ").last }.filter { $0.contains("libsqlite3") })
            #expect(libraries.isEmpty, "\(libraries)")
        }
    }

    /// A statement SQLite prepares again at each new binding costs a parse and a plan per lookup.
    @Test("the lookup's statements are prepared once, not again for each number")
    func preparedOnce() async throws {
        try await TestDatabase.withStore(.sqlite) { store async throws in
            for i in 0..<5 { _ = try await store.seedCustomer("客户\(i)", phones: [Self.mobile(i), Self.landline(i)]) }
            guard case .sqlite(let path) = store.database.location else { return }
            let connection = try SQLiteReadConnection(path: path, sql: SQLiteReader.sql)
            for i in 0..<5 {
                for query in [SQLiteReadConnection.Query.match, .summary] {
                    var rows = 0
                    try connection.rows(query, [.text(Self.mobile(i))]) { _ in rows += 1 }
                    #expect(rows == (query == .match ? 1 : 2))
                }
                try connection.rows(.token, [.text("no such hash"), .real(Double(i))]) { _ in Issue.record("no token matches") }
                for query in [SQLiteReadConnection.Query.cardCustomers, .cardPhones, .cardVehicles, .cardPolicies, .cardTasks] {
                    try connection.rows(query, [.text("[\(i + 1),\(i + 2)]")]) { _ in }
                }
                try connection.rows(.cardInteractions, [.int(i + 1)]) { _ in }
            }
            for query in SQLiteReadConnection.Query.allCases {
                #expect(connection.reprepares(query) == 0, "\(query)")
            }
        }
    }

    final class Progress: Sendable {
        let written = Mutex(0)
    }

    static let admin = User(id: 0, name: "admin", role: .admin, extension: nil, teamID: nil, seniority: 0)
    static func mobile(_ i: Int) -> String { "+86139\(String(format: "%08d", i))" }
    static func landline(_ i: Int) -> String { "+8621\(String(format: "%08d", 20_000_000 + i))" }
}
