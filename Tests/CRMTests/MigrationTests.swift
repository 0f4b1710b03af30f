import Foundation
import TestSupport
import CRM
import SQLKit
import Telephony
import Testing
import Vocabulary

@Suite("Schema migrations")
struct MigrationTests {
    @Test("migrating twice applies nothing the second time", arguments: TestEngine.available)
    func idempotent(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let migrator = Migrator(database: store.database, logger: TestDatabase.logger)
            #expect(try await migrator.migrate() == [])
            #expect(try await migrator.currentVersion() == Migrator.all.last?.version)
        }
    }

    @Test("concurrent migrations from two daemons apply each version once", arguments: TestEngine.available)
    func concurrent(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let migrator = Migrator(database: store.database, logger: TestDatabase.logger)
            async let first = migrator.migrate()
            async let second = migrator.migrate()
            let applied = try await first + second
            #expect(applied.isEmpty)
            let rows = try await store.database.withConnection { sql in
                try await sql.select().column("version").from("schema_migrations").all(decodingColumn: "version", as: Int.self)
            }
            #expect(rows == Migrator.all.map(\.version))
        }
    }

    @Test("a first-schema database with rows upgrades to the newest: customers, tasks and calls are kept and read as before",
          arguments: TestEngine.available)
    func upgradeWithRows(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine, migrate: false) { store async throws in
            let migrator = Migrator(database: store.database, logger: TestDatabase.logger)
            #expect(try await migrator.migrate(through: 1) == [1])
            let ringAt = Date(timeIntervalSince1970: 1_790_000_000)
            let dueAt = Date(timeIntervalSince1970: 1_790_600_000)
            let (ownerID, agentID, customerID, taskID, callID) = try await store.database.withConnection { sql in
                let now = SQLBind(Date(timeIntervalSince1970: 1_789_000_000))
                let ownerID = try await sql.insert(into: "users").columns("name", "role", "extension", "created_at")
                    .values(SQLBind("王芳"), SQLBind("agent"), SQLBind("1001"), now).returning("id").first(decodingColumn: "id", as: Int.self)!
                let agentID = try await sql.insert(into: "users").columns("name", "role", "extension", "created_at")
                    .values(SQLBind("赵强"), SQLBind("agent"), SQLBind("1002"), now).returning("id").first(decodingColumn: "id", as: Int.self)!
                let customerID = try await sql.insert(into: "customers").columns("kind", "name", "owner_id", "created_at", "updated_at")
                    .values(SQLBind("individual"), SQLBind("李雷"), SQLBind(ownerID), now, now).returning("id").first(decodingColumn: "id", as: Int.self)!
                try await sql.insert(into: "phones").columns("customer_id", "raw", "e164", "kind", "created_at")
                    .values(SQLBind(customerID), SQLBind("138-0013-8000"), SQLBind("+8613800138000"), SQLBind("mobile"), now).run()
                let taskID = try await sql.insert(into: "tasks")
                    .columns("customer_id", "kind", "status", "owner_id", "due_at", "attempts", "created_at", "updated_at")
                    .values(SQLBind(customerID), SQLBind(TaskKind.followUp), SQLBind("open"), SQLBind(ownerID), SQLBind(dueAt), SQLBind(2), now, now)
                    .returning("id").first(decodingColumn: "id", as: Int.self)!
                let callID = try await sql.insert(into: "calls")
                    .columns("pbx", "linkedid", "direction", "customer_id", "agent_id", "queue", "caller", "callee", "ring_at", "answer_at",
                             "end_at", "result", "created_at")
                    .values(SQLBind("main"), SQLBind("1790000000.7"), SQLBind("inbound"), SQLBind(customerID), SQLBind(agentID),
                            SQLBind("hotline"), SQLBind("13800138000"), SQLBind("1001"), SQLBind(ringAt), SQLBind(ringAt.addingTimeInterval(8)),
                            SQLBind(ringAt.addingTimeInterval(90)), SQLBind("answered"), now)
                    .returning("id").first(decodingColumn: "id", as: Int.self)!
                return (ownerID, agentID, customerID, taskID, callID)
            }

            #expect(try await migrator.migrate() == Array(2...(Migrator.all.last?.version ?? 0)))

            #expect(try await store.customers(onNumber: "+8613800138000").map(\.id) == [customerID])
            let owner = try #require(try await store.user(id: ownerID))
            let call = try await store.call(id: callID, visibleTo: owner)
            #expect(call.linkedID == "1790000000.7" && call.status == .ended && call.result == .answered && call.agentID == agentID)
            #expect(call.ringAt == ringAt && call.endAt == ringAt.addingTimeInterval(90) && call.queuePosition == nil)
            #expect(call.customerIDs == [customerID] && call.agentIDs == [agentID])
            // The agent who took it, not the customer's owner, still sees it and finds it by agent.
            let agent = try #require(try await store.user(id: agentID))
            #expect(try await store.call(id: callID, visibleTo: agent).id == callID)
            #expect(try await store.calls(CallFilter(agentID: agentID), visibleTo: agent).map(\.id) == [callID])
            #expect(try await store.calls(CallFilter(customerID: customerID), visibleTo: owner).map(\.id) == [callID])
            let tasks = try await store.openTasks(kind: TaskKind.followUp)
            #expect(tasks.map(\.id) == [taskID] && tasks.first?.ownerId == ownerID && tasks.first?.dueAt == dueAt)

            // What the newer schema allows now works on the upgraded tables: a live call, then a callback for an unknown caller.
            var entry = CallEntry(pbx: "main", linkedID: "1790000500.1", direction: .inbound, status: .live)
            entry.caller = "02188886666"
            entry.ringAt = ringAt
            let recorded = try await store.recordCall(entry)
            #expect(try await store.createCallbackTask(callID: recorded.id, customerID: nil, ownerID: nil, teamName: "hotline",
                                                       phone: "+862188886666", dueAt: dueAt, note: "missed") != nil)
            #expect(try await store.openTasks(kind: TaskKind.callback).count == 1)
        }
    }

    @Test("a database from a newer CallDesk is refused with a clear error", arguments: TestEngine.available)
    func newerSchemaRefused(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await store.database.withConnection { sql in
                try await sql.raw("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', CURRENT_TIMESTAMP)").run()
            }
            let error = await #expect(throws: CRMError.self) {
                try await Migrator(database: store.database, logger: TestDatabase.logger).migrate()
            }
            #expect(error?.description.contains("upgrade CallDesk") == true)
        }
    }
}

@Suite("Opening a database")
struct DatabaseOpeningTests {
    @Test("a PostgreSQL that refuses the connection is explained in its own words, without the password",
          .enabled(if: TestEngine.available.contains(.postgres)))
    func refusalExplained() async throws {
        var parts = try #require(URLComponents(string: TestEngine.postgresURL ?? ""))
        parts.path = "/no_such_database"
        parts.password = "s3cret-pw"
        let error = await #expect(throws: CRMError.self) {
            let store = try await CRMStore.open(location: .postgres(url: parts.string!, schema: nil),
                                            normalizer: PhoneNormalizer(plan: .china), logger: TestDatabase.logger)
            await store.close()
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("PostgreSQL says: database \"no_such_database\" does not exist"))
        #expect(!text.contains("s3cret-pw"))
    }
}

@Suite("The database file")
struct DatabaseFileTests {
    @Test("a new SQLite database and its WAL are readable by their owner only")
    func ownerOnly() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-mode-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("crm.db").path
        let store = try await CRMStore.open(location: .sqlite(path: path), normalizer: PhoneNormalizer(), logger: TestDatabase.logger)
        _ = try await store.addUser(name: "王芳", role: .agent)
        for file in [path, path + "-wal"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file): \(String(mode ?? 0, radix: 8))")
        }
        await store.close()
    }
}
