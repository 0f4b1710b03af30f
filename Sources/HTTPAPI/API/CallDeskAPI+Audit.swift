import CRM
import Foundation

extension CallDeskAPI {
    func listAudit(_ input: Operations.ListAudit.Input) async throws -> Operations.ListAudit.Output {
        let (user, _) = try viewer()
        let limit = try limit(input.query.limit)
        let entityID = try input.query.entityId.map { try id($0) }
        let before = try PageCursor(parsing: input.query.cursor)?.id
        let entries = try await roleRestricted {
            try await store.auditLog(visibleTo: user, entity: input.query.entity?.rawValue, entityID: entityID, beforeID: before, limit: limit)
        }
        let items = entries.map { entry in
            let details = entry.details.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
            return Components.Schemas.AuditEntry(id: Int64(entry.id), at: entry.at, actorId: entry.actorId.map(Int64.init), action: entry.action,
                                                 entity: entry.entity, entityId: Int64(entry.entityId), details: .init(additionalProperties: details))
        }
        return .ok(.init(body: .json(.init(items: items, nextCursor: PageCursor.next(after: entries, limit: limit) { PageCursor(id: $0.id) }))))
    }
}
