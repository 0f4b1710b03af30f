import Foundation
import SQLKit

extension CRMStore {
    static let importColumns = ["id", "requested_by", "file_name", "status", "encoding", "rows_read", "created", "updated", "unchanged",
                                "rejected", "percent", "error", "created_at", "finished_at"]

    /// Records an uploaded file as queued for import (supervisors and admins); audited.
    public func queueImport(fileName: String, by actor: User) async throws -> ImportRecord {
        guard actor.role != .agent else { throw CRMError.forbidden("imports are for supervisors and admins") }
        return try await database.withTransaction { sql in
            let now = Date()
            let id = try await sql.insert(into: "imports").columns("requested_by", "file_name", "status", "created_at", "heartbeat_at")
                .values(SQLBind(actor.id), SQLBind(fileName), SQLBind(ImportRecord.Status.queued.rawValue), SQLBind(now), SQLBind(now))
                .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
            try await audit(sql, actor: actor.id, action: "import", entity: "import", entityID: id, details: ["after.file": fileName])
            return try await importRecord(id, in: sql)
        }
    }

    /// Records an import's progress, or its end with the reject file (UTF-8 CSV bytes) and any error.
    public func updateImport(_ id: Int, status: ImportRecord.Status, report: ImportReport, rejects: Data? = nil, error: String? = nil) async throws {
        let percent = status == .done ? 100 : report.totalBytes > 0 ? min(99, report.bytesRead * 100 / report.totalBytes) : 0
        try await database.withConnection { sql in
            var update = sql.update("imports").set("status", to: status.rawValue).set("encoding", to: report.encoding?.rawValue)
                .set("rows_read", to: report.rowsRead).set("created", to: report.created).set("updated", to: report.updated)
                .set("unchanged", to: report.unchanged).set("rejected", to: report.rejected).set("percent", to: percent)
                .set("heartbeat_at", to: Date())
            if status == .done || status == .failed {
                update = update.set("finished_at", to: Date()).set("error", to: error).set("rejects", to: rejects)
            }
            try await update.where("id", .equal, id).run()
        }
    }

    /// An import `viewer` may see: their own, their team's (supervisors), or any (admins).
    public func importRecord(_ id: Int, visibleTo viewer: User) async throws -> ImportRecord {
        try await database.withConnection { sql in
            let record = try await importRecord(id, in: sql)
            guard try await mayView(ownedBy: record.requestedBy, viewer, in: sql) else { throw CRMError.notFound(entity: "import", id: "\(id)") }
            return record
        }
    }

    /// The reject file of a finished import `viewer` may see; empty when no row was rejected.
    public func importRejects(_ id: Int, visibleTo viewer: User) async throws -> Data {
        let record = try await importRecord(id, visibleTo: viewer)
        guard record.status == .done || record.status == .failed else { throw CRMError.conflict("import \(id) is still \(record.status.rawValue)") }
        return try await database.withConnection { sql in
            try await sql.select().column("rejects").from("imports").where("id", .equal, id).first(decodingColumn: "rejects", as: Data?.self) ?? nil
        } ?? Data()
    }

    /// How long an unfinished import may go without a sign of life before it reads as failed: the
    /// daemon running it stopped (several daemons may share one database, so none fails another's at start).
    static let importSilenceLimit: TimeInterval = 120

    private func importRecord(_ id: Int, in sql: any SQLDatabase) async throws -> ImportRecord {
        let unfinished = [ImportRecord.Status.queued, .checking, .writing].map(\.rawValue)
        try await sql.update("imports").set("status", to: ImportRecord.Status.failed.rawValue)
            .set("error", to: "CallDesk stopped before the import finished; upload the file again (rows already written are not doubled)")
            .set("finished_at", to: Date())
            .where("id", .equal, id).where("status", .in, unfinished)
            .where("heartbeat_at", .lessThan, Date().addingTimeInterval(-Self.importSilenceLimit)).run()
        guard let record = try await sql.select().columns(Self.importColumns).from("imports").where("id", .equal, id)
            .first(decoding: ImportRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else {
            throw CRMError.notFound(entity: "import", id: "\(id)")
        }
        return record
    }
}
