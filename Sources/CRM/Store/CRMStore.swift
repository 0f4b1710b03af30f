import Foundation
import Logging
import SQLKit
import Telephony

/// The CRM's repository: every read and write of customers, users and their history.
///
/// All queries are written once with SQLKit and run unchanged on SQLite and PostgreSQL.
public final class CRMStore: Sendable {
    public let database: CRMDatabase
    public let normalizer: PhoneNormalizer
    let logger: Logger

    public init(database: CRMDatabase, normalizer: PhoneNormalizer, logger: Logger) {
        self.database = database
        self.normalizer = normalizer
        self.logger = logger
    }

    /// Opens the database at `location` and, unless told otherwise, applies pending migrations.
    public static func open(location: DatabaseLocation, normalizer: PhoneNormalizer, logger: Logger,
                            migrate: Bool = true) async throws -> CRMStore {
        let database = try CRMDatabase(location: location, logger: logger)
        do {
            try await database.prepare()
            if migrate { try await Migrator(database: database, logger: logger).migrate() }
        } catch {
            await database.shutdown()
            throw error
        }
        return CRMStore(database: database, normalizer: normalizer, logger: logger)
    }

    /// Closes the database connections.
    public func close() async {
        await database.shutdown()
    }

    /// Whether the database answers a trivial query.
    public func ping() async -> Bool {
        (try? await database.withConnection { sql in try await sql.raw("SELECT 1 AS one").first() != nil }) ?? false
    }

    /// Records who changed what; always called inside the transaction that made the change.
    func audit(_ sql: any SQLDatabase, actor: Int?, action: String, entity: String, entityID: Int,
               details: [String: String]) async throws {
        let json = String(decoding: try JSONEncoder.sorted.encode(details), as: UTF8.self)
        try await sql.insert(into: "audit_log")
            .columns("at", "actor_id", "action", "entity", "entity_id", "details")
            .values(SQLBind(Date()), SQLBind(actor), SQLBind(action), SQLBind(entity), SQLBind(entityID), SQLBind(json))
            .run()
    }

    /// The audit trail of one entity, oldest first.
    public func auditTrail(entity: String, id: Int) async throws -> [AuditEntry] {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "at", "actor_id", "action", "entity", "entity_id", "details")
                .from("audit_log")
                .where("entity", .equal, entity).where("entity_id", .equal, id)
                .orderBy("id")
                .all(decoding: AuditEntry.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension CRMStore {
    /// The audit log, newest first, as far as `viewer` may read it: an admin all of it, a supervisor
    /// what their team did; an agent none (`forbidden`). Narrowed to one entity when given.
    public func auditLog(visibleTo viewer: User, entity: String? = nil, entityID: Int? = nil, beforeID: Int? = nil,
                         limit: Int = 50) async throws -> [AuditEntry] {
        let reach = viewer.access.reach
        if case .own = reach { throw CRMError.forbidden("the audit log is for supervisors and admins") }
        return try await database.withConnection { sql in
            var select = sql.select().columns("id", "at", "actor_id", "action", "entity", "entity_id", "details").from("audit_log")
            if let entity { select = select.where("entity", .equal, entity) }
            if let entityID { select = select.where("entity_id", .equal, entityID) }
            if let beforeID { select = select.where("id", .lessThan, beforeID) }
            if let users = viewer.access.reachableUsers() { select = select.where("actor_id", .in, users) }
            return try await select.orderBy("id", .descending).limit(max(1, min(limit, 500)))
                .all(decoding: AuditEntry.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }
}

extension CRMStore {
    /// Records that `actor` saw these records' phone numbers whole (supervisors and admins do; the log
    /// shows who looked at whose numbers). One row per record, in one statement.
    public func auditUnmaskedViews(actor: Int, entity: String, ids: [Int]) async throws {
        let unique = Array(Set(ids)).sorted()
        guard !unique.isEmpty else { return }
        let now = Date()
        try await database.withConnection { sql in
            var insert = sql.insert(into: "audit_log").columns("at", "actor_id", "action", "entity", "entity_id", "details")
            for id in unique {
                insert = insert.values(SQLBind(now), SQLBind(actor), SQLBind("view_unmasked"), SQLBind(entity), SQLBind(id), SQLBind("{}"))
            }
            try await insert.run()
        }
    }
}

extension CRMStore {
    /// Records an action taken outside the database (a pause or a queue change on the PBX), with who did it.
    public func auditAction(actor: Int, action: String, entity: String, entityID: Int, details: [String: String]) async throws {
        try await database.withConnection { sql in
            try await audit(sql, actor: actor, action: action, entity: entity, entityID: entityID, details: details)
        }
    }
}
