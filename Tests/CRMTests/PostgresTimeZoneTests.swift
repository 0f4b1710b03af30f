import CRM
import Foundation
import Logging
import SQLKit
import Testing
import TestSupport
import Vocabulary

/// A PostgreSQL whose role (like a server installed in China) is set to Asia/Shanghai: CallDesk's
/// sessions still run in UTC (what day arithmetic in SQL assumes), and times come back as written.
@Suite("PostgreSQL in another time zone")
struct PostgresTimeZoneTests {
    @Test("with the role's time zone Asia/Shanghai the session runs in UTC and a task's due time reads back as written",
          .enabled(if: TestEngine.postgresURL != nil))
    func timesSurviveAServerZone() async throws {
        let url = try #require(TestEngine.postgresURL)
        let role = "tz_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let admin = try CRMDatabase(location: .postgres(url: url, schema: nil), logger: TestDatabase.logger, maxConnections: 1)
        try await admin.withConnection { sql in
            try await sql.raw("CREATE ROLE \(ident: role) LOGIN SUPERUSER").run()
            try await sql.raw("ALTER ROLE \(ident: role) SET timezone = 'Asia/Shanghai'").run()
            try await sql.raw("CREATE SCHEMA \(ident: role) AUTHORIZATION \(ident: role)").run()
        }
        func cleanUp() async {
            try? await admin.withConnection { sql in
                try await sql.raw("DROP SCHEMA \(ident: role) CASCADE").run()
                try await sql.raw("DROP ROLE \(ident: role)").run()
            }
            await admin.shutdown()
        }
        do {
            try await readBack(url: url, role: role)
        } catch {
            await cleanUp()
            throw error
        }
        await cleanUp()
    }

    private func readBack(url: String, role: String) async throws {
        let shanghai = url.replacingOccurrences(of: "postgres://postgres@", with: "postgres://\(role)@")
        let store = try await CRMStore.open(location: .postgres(url: shanghai, schema: role), normalizer: .init(plan: .china), logger: TestDatabase.logger)
        let zone = try await store.database.withConnection { sql in
            try await sql.raw("SELECT current_setting('TimeZone') AS zone").first(decodingColumn: "zone", as: String.self)
        }
        #expect(zone == "UTC", "the session runs in UTC")
        let owner = try await store.addUser(name: "小王", role: .agent).user
        let customer = try await store.createCustomer(NewCustomer(name: "李雷", ownerID: owner.id,
            phones: [("13800138000", try #require(store.normalizer.normalize("13800138000").phoneNumber))]))
        let due = Date(timeIntervalSince1970: 1_800_000_000)
        let task = try await store.addTask(customerID: customer, kind: .followUp, ownerID: owner.id, dueAt: due, note: nil)
        let read = try await store.tasks(TaskFilter(customerID: customer, limit: 5), visibleTo: owner).first { $0.id == task }
        #expect(read?.dueAt == due)
        await store.close()
    }
}
