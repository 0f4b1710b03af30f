import TestSupport
@testable import CRM
import SQLKit
import Testing

@Suite("Customer lookup by phone")
struct PhoneLookupTests {
    @Test("a number written any way finds the customer stored in another notation", arguments: TestEngine.available)
    func anyNotation(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let id = try await store.seedCustomer("张三", phones: ["138-0013-8000", "(021) 8888 6666"], grade: .a)
            for written in ["+8613800138000", "008613800138000", "013800138000", "02188886666", "88886666"] {
                let found = try await store.findCustomers(written)
                #expect(found.map(\.id) == [id], "\(written)")
            }
            let summary = try #require(try await store.findCustomers("13800138000").first)
            #expect(summary.grade == .a)
            #expect(summary.ownerName == "王芳")
            #expect(Set(summary.phones.map(\.e164)) == ["+8613800138000", "+862188886666"])
        }
    }

    @Test("a shared family phone returns every customer on it", arguments: TestEngine.available)
    func sharedPhone(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let father = try await store.seedCustomer("李大", phones: ["13900139000"])
            let daughter = try await store.seedCustomer("李小", phones: ["+86 139 0013 9000"])
            #expect(try await store.customers(onNumber: "+8613900139000").map(\.id) == [father, daughter])
        }
    }

    @Test("withheld caller IDs and extensions never match a customer", arguments: TestEngine.available)
    func noNumberNeverMatches(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            _ = try await store.seedCustomer("王五", phones: ["13700137000"])
            for written in ["anonymous", "<unknown>", "", "1001"] {
                #expect(try await store.findCustomers(written).isEmpty, "\(written)")
            }
        }
    }

    @Test("finding by part of the name", arguments: TestEngine.available)
    func byName(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let id = try await store.seedCustomer("欧阳娜娜", phones: ["13700137000"])
            _ = try await store.seedCustomer("张三", phones: ["13700137001"])
            #expect(try await store.findCustomers("欧阳").map(\.id) == [id])
        }
    }

    @Test("the lookups use the phone index, not a table scan (the plans of the statements they run)", arguments: TestEngine.available)
    func usesIndex(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            for i in 0..<50 { _ = try await store.seedCustomer("客户\(i)", phones: [String(13_800_000_000 + i)]) }
            let statements = engine == .sqlite ? [SQLiteReader.sql(.match), SQLiteReader.sql(.summary)]
                : [PostgresNumberMatches.sql, PostgresNumberSummaries.sql]
            for (index, statement) in statements.enumerated() {
                let plan: [String] = try await store.database.withTransaction { sql in
                    switch engine {
                    case .sqlite:
                        return try await sql.raw("EXPLAIN QUERY PLAN \(unsafeRaw: statement)").all()
                            .map { try $0.decode(column: "detail", as: String.self) }
                    case .postgres:
                        // With sequential scans priced out, a plan still showing one would prove no usable index exists.
                        try await sql.raw("SET LOCAL enable_seqscan = off").run()
                        try await sql.raw("PREPARE plan_check_\(unsafeRaw: "\(index)")(text) AS \(unsafeRaw: statement)").run()
                        let plan = try await sql.raw("EXPLAIN EXECUTE plan_check_\(unsafeRaw: "\(index)")('+8613800000007')").all()
                            .map { try $0.decode(column: "QUERY PLAN", as: String.self) }
                        try await sql.raw("DEALLOCATE plan_check_\(unsafeRaw: "\(index)")").run()
                        return plan
                    }
                }
                let joined = plan.joined(separator: "\n")
                #expect(joined.contains("idx_phones_e164"), "plan:\n\(joined)")
                #expect(!joined.contains("SCAN p\n") && !joined.hasSuffix("SCAN p") && !joined.contains("Seq Scan on phones"), "plan:\n\(joined)")
            }
        }
    }
}
