import CRM
import Foundation

extension CallDeskAPI {
    func listPool(_ input: Operations.ListPool.Input) async throws -> Operations.ListPool.Output {
        let (user, mask) = try viewer()
        let limit = try limit(input.query.limit)
        let entries = try await store.pool(try input.query.kind.map { try schemaValue($0) }, visibleTo: user,
                                           after: try PageCursor.timed(parsing: input.query.cursor).map { (pooledAt: $0.0, id: $0.1) }, limit: limit)
        try await auditUnmasked(user, mask, entity: "customer", ids: entries.map(\.customer.id))
        return .ok(.init(body: .json(.init(items: try entries.map { try .init($0, mask: mask) },
                                           nextCursor: PageCursor.next(after: entries, limit: limit) { PageCursor(id: $0.customer.id, time: $0.pooledAt) }))))
    }

    func claimCustomer(_ input: Operations.ClaimCustomer.Input) async throws -> Operations.ClaimCustomer.Output {
        let (user, mask) = try viewer()
        let customer = try id(input.path.id)
        try await store.claimCustomer(customer, by: user, rules: settings.pools)
        guard let summary = try await store.summaries(ids: [customer]).first else { throw CRMError.notFound(entity: "customer", id: "\(customer)") }
        return .ok(.init(body: .json(try .init(summary, mask: mask))))
    }

    func releaseCustomer(_ input: Operations.ReleaseCustomer.Input) async throws -> Operations.ReleaseCustomer.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        try await store.releaseCustomer(try id(input.path.id), reason: try field("reason", body.reason, maxLength: 500), by: user)
        return .noContent(.init())
    }
}
