import CRM
import Foundation
import Logging
import SQLKit
import Telephony
import Testing

/// The databases every store test runs against: SQLite always, PostgreSQL when
/// `CALLDESK_TEST_POSTGRES_URL` points at a server (scripts/test starts a throw-away one).
public enum TestEngine: String, CustomTestStringConvertible, CaseIterable, Sendable {
    case sqlite, postgres

    public var testDescription: String { rawValue }

    public static var postgresURL: String? { ProcessInfo.processInfo.environment["CALLDESK_TEST_POSTGRES_URL"] }

    /// Engines available here. Under CI without a PostgreSQL URL, PostgreSQL is still listed so the tests fail loudly.
    public static var available: [TestEngine] {
        if postgresURL != nil || ProcessInfo.processInfo.environment["CI"] != nil { return [.sqlite, .postgres] }
        return [.sqlite]
    }
}

/// A fresh store (migrated unless asked not to) in its own SQLite file or PostgreSQL schema, removed afterwards.
public struct TestDatabase {
    public static let logger: Logger = {
        var logger = Logger(label: "calldesk.test")
        logger.logLevel = .warning
        return logger
    }()

    @discardableResult
    public static func withStore<T>(_ engine: TestEngine, normalizer: PhoneNormalizer = PhoneNormalizer(plan: .china, defaultAreaCode: "21"),
                                    migrate: Bool = true, logger: Logger = TestDatabase.logger,
                                    _ body: (CRMStore) async throws -> T) async throws -> T {
        switch engine {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let store = try await CRMStore.open(location: .sqlite(path: directory.appendingPathComponent("crm.sqlite").path),
                                                normalizer: normalizer, logger: logger, migrate: migrate)
            do {
                let result = try await body(store)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        case .postgres:
            guard let url = TestEngine.postgresURL else {
                throw CRMError.databaseUnavailable(location: "CALLDESK_TEST_POSTGRES_URL", underlying: "not set; run scripts/test")
            }
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let admin = try CRMDatabase(location: .postgres(url: url, schema: nil), logger: logger, maxConnections: 1)
            try await admin.withConnection { sql in try await sql.raw("CREATE SCHEMA \(ident: schema)").run() }
            let store: CRMStore
            do {
                store = try await CRMStore.open(location: .postgres(url: url, schema: schema), normalizer: normalizer, logger: logger,
                                                migrate: migrate)
            } catch {
                await admin.shutdown()
                throw error
            }
            do {
                let result = try await body(store)
                await store.close()
                try await admin.withConnection { sql in try await sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
                await admin.shutdown()
                return result
            } catch {
                await store.close()
                try? await admin.withConnection { sql in try await sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
                await admin.shutdown()
                throw error
            }
        }
    }
}

extension CRMStore {
    /// A customer with the given phones (as written) owned by `owner`, created if missing.
    public func seedCustomer(_ name: String, phones: [String], owner: String = "王芳", grade: LeadGrade? = nil) async throws -> Int {
        let ownerID: Int
        if let existing = try await user(named: owner) { ownerID = existing.id } else {
            ownerID = try await addUser(name: owner, role: .agent).user.id
        }
        let numbers = phones.map { raw in (raw: raw, number: normalizer.normalize(raw).phoneNumber!) }
        return try await createCustomer(NewCustomer(name: name, ownerID: ownerID, phones: numbers, grade: grade))
    }
}
