import CRM
import Foundation

extension CallDeskAPI {
    func searchCustomers(_ input: Operations.SearchCustomers.Input) async throws -> Operations.SearchCustomers.Output {
        let (user, mask) = try viewer()
        let q = try text("q", input.query.q, maxLength: 100)
        let limit = try limit(input.query.limit)
        let found = try await store.searchCustomers(q, visibleTo: user, afterID: try PageCursor(parsing: input.query.cursor)?.id, limit: limit)
        try await auditUnmasked(user, mask, entity: "customer", ids: found.map(\.id))
        return .ok(.init(body: .json(.init(items: try found.map { try .init($0, mask: mask) },
                                           nextCursor: PageCursor.next(after: found, limit: limit) { PageCursor(id: $0.id) }))))
    }

    func getCustomer(_ input: Operations.GetCustomer.Input) async throws -> Operations.GetCustomer.Output {
        let (user, mask) = try viewer()
        let customer = try id(input.path.id)
        try await store.requireCustomer(customer, visibleTo: user)
        guard let card = try await store.customerCards(ids: [customer]).first else {
            throw CRMError.notFound(entity: "customer", id: "\(customer)")
        }
        try await auditUnmasked(user, mask, entity: "customer", ids: [customer])
        let details = try await store.customerDetails(customer)
        return .ok(.init(body: .json(try .init(card, details: details, mask: mask, now: Date()))))
    }

    func lookup(_ input: Operations.Lookup.Input) async throws -> Operations.Lookup.Output {
        .ok(.init(body: .json(try await lookupResult(phone: input.query.phone))))
    }

    /// `GET /v1/lookup`'s answer, for the generated handler and `LookupFastPath` alike.
    func lookupResult(phone raw: String) async throws -> Components.Schemas.LookupResult {
        let (user, mask) = try viewer()
        let phone = try text("phone", raw, maxLength: 40)
        let (number, customers) = try await store.lookup(phone: phone, visibleTo: user)
        try await auditUnmasked(user, mask, entity: "customer", ids: customers.map(\.id))
        return .init(number: number.map { mask.show($0.e164) }, customers: try customers.map { try .init($0, mask: mask) })
    }
}
