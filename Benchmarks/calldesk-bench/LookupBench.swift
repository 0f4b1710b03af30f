import ArgumentParser
import CRM
import Foundation
import SQLKit

/// Phone lookup latency with a million customers: the screen-pop's database step.
struct LookupBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lookup", abstract: "p50/p99 of customer lookup by phone.")

    @Option(help: "Customers to seed") var customers = 1_000_000
    @Option(help: "Lookups to time") var lookups = 20_000
    @Option(help: "sqlite, postgres or both") var engine = "both"

    func run() async throws {
        try await BenchDatabase.forEach(engine) { name, store in
            let seedStart = ContinuousClock.now
            let phones = try await seed(store)
            let seeded = ContinuousClock.now - seedStart
            print("[\(name)] seeded \(customers) customers with \(phones) phones in \(String(format: "%.1f", seeded.seconds)) s")
            var generator = SystemRandomNumberGenerator()
            // Warm up the connection and caches the way a running daemon would be.
            for _ in 0..<1_000 { _ = try await store.customers(onNumber: Self.mobile(Int.random(in: 0..<customers, using: &generator))) }
            var samples: [Duration] = []
            samples.reserveCapacity(lookups)
            var found = 0
            for i in 0..<lookups {
                // Nine in ten callers are known customers; the rest are new numbers.
                let number = i % 10 == 9 ? "+8615\(String(format: "%09d", Int.random(in: 0..<999_999_999, using: &generator)))"
                                         : Self.mobile(Int.random(in: 0..<customers, using: &generator))
                let start = ContinuousClock.now
                let matches = try await store.customers(onNumber: number)
                samples.append(ContinuousClock.now - start)
                found += matches.isEmpty ? 0 : 1
            }
            print("[\(name)] lookup by phone: \(LatencySummary(samples: samples)) (\(found) hits)")
            // What GET /v1/lookup asks: the number normalised, the customers with phones, grade and owner, the access check.
            guard let viewer = try await store.user(named: "bench-owner") else { return }
            samples.removeAll(keepingCapacity: true)
            found = 0
            for i in 0..<lookups {
                let number = i % 10 == 9 ? "+8615\(String(format: "%09d", Int.random(in: 0..<999_999_999, using: &generator)))"
                                         : Self.mobile(Int.random(in: 0..<customers, using: &generator))
                let start = ContinuousClock.now
                let result = try await store.lookup(phone: number, visibleTo: viewer)
                samples.append(ContinuousClock.now - start)
                found += result.customers.isEmpty ? 0 : 1
            }
            print("[\(name)] lookup for the API (normalise, summaries, access): \(LatencySummary(samples: samples)) (\(found) hits)")
            // The same from 64 callers at once for 5 s, as the HTTP benchmark's 64 connections ask: lookups/s on this machine's cores.
            let customers = customers
            let deadline = ContinuousClock.now + .seconds(5)
            let done = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<64 {
                    group.addTask {
                        var count = 0
                        var generator = SystemRandomNumberGenerator()
                        while ContinuousClock.now < deadline {
                            _ = try await store.lookup(phone: Self.mobile(Int.random(in: 0..<customers, using: &generator)), visibleTo: viewer)
                            count += 1
                        }
                        return count
                    }
                }
                return try await group.reduce(0, +)
            }
            print("[\(name)] lookup for the API from 64 callers at once: \(done / 5) lookups/s")
        }
    }

    static func mobile(_ i: Int) -> String { "+86139\(String(format: "%08d", i))" }
    static func landline(_ i: Int) -> String { "+8621\(String(format: "%08d", 20_000_000 + i))" }

    /// Bulk-inserts customers (30% with a second, landline phone) in multi-row statements.
    func seed(_ store: CRMStore) async throws -> Int {
        let owner = try await store.addUser(name: "bench-owner", role: .agent).user.id
        let batch = 500
        var phones = 0
        let now = Date()
        for start in stride(from: 0, to: customers, by: batch * 20) {
            phones += try await store.database.withTransaction { sql in
                var inserted = 0
                for chunk in stride(from: start, to: min(customers, start + batch * 20), by: batch) {
                    let range = chunk..<min(customers, chunk + batch)
                    var insert = sql.insert(into: "customers").columns("kind", "name", "source", "owner_id", "created_at", "updated_at")
                    for i in range {
                        insert = insert.values(SQLBind("individual"), SQLBind("客户\(i)"), SQLBind("bench"), SQLBind(owner), SQLBind(now), SQLBind(now))
                    }
                    let ids = try await insert.returning("id").all(decodingColumn: "id", as: Int.self)
                    var phoneInsert = sql.insert(into: "phones").columns("customer_id", "raw", "e164", "kind", "created_at")
                    for (offset, id) in ids.enumerated() {
                        let i = range.lowerBound + offset
                        phoneInsert = phoneInsert.values(SQLBind(id), SQLBind(Self.mobile(i)), SQLBind(Self.mobile(i)), SQLBind("mobile"), SQLBind(now))
                        inserted += 1
                        if i % 10 < 3 {
                            phoneInsert = phoneInsert.values(SQLBind(id), SQLBind(Self.landline(i)), SQLBind(Self.landline(i)), SQLBind("landline"), SQLBind(now))
                            inserted += 1
                        }
                    }
                    try await phoneInsert.run()
                }
                return inserted
            }
        }
        try await store.database.withConnection { sql in
            try await sql.raw("ANALYZE").run()
        }
        return phones
    }
}
