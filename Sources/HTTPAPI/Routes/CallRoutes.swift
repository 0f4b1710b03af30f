import CRM
import PBXMonitor
import Vocabulary
import Foundation
import Hummingbird

/// The call log over HTTP: list and read calls, a customer's calls, and logging a call's outcome.
struct CallRoutes {
    let store: CRMStore
    let timeZone: TimeZone

    func register(on group: RouterGroup<APIRequestContext>) {
        group.get("calls") { request, context in try await list(request, context) }
        group.get("calls/{id}") { request, context in try await show(request, context) }
        group.post("calls/{id}/outcome") { request, context in try await logOutcome(request, context) }
        group.get("customers/{id}/calls") { request, context in try await customerCalls(request, context) }
        group.get("me") { _, context in try Response.json(UserBody(try context.requireUser())) }
    }

    private func list(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = RequestParameters(request: request, context: context, timeZone: timeZone)
        let filter = CallFilter(
            from: try query.date("from"), to: try query.date("to"), agentID: try query.int("agent"),
            customerID: try query.int("customer"),
            direction: try query.choice("direction", of: CallDirection.self),
            result: try query.choice("result", of: CallResult.self),
            limit: try query.int("limit", range: 1...1000) ?? 100)
        return try Response.json(try await store.calls(filter, visibleTo: user).map(CallBody.init))
    }

    private func show(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let id = try RequestParameters(request: request, context: context, timeZone: timeZone).pathInt("id")
        return try Response.json(CallBody(try await store.call(id: id, visibleTo: try context.requireUser())))
    }

    private func customerCalls(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let query = RequestParameters(request: request, context: context, timeZone: timeZone)
        let id = try query.pathInt("id")
        try await store.requireCustomer(id, visibleTo: user)
        let filter = CallFilter(customerID: id, limit: try query.int("limit", range: 1...1000) ?? 100)
        return try Response.json(try await store.calls(filter, visibleTo: user).map(CallBody.init))
    }

    /// Body of `POST /v1/calls/{id}/outcome`.
    struct OutcomeRequest: Decodable {
        let outcome: String
        let note: String?
        let grade: String?
        let customerId: Int?
    }

    private func logOutcome(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let user = try context.requireUser()
        let id = try RequestParameters(request: request, context: context, timeZone: timeZone).pathInt("id")
        let body = try await request.decode(as: OutcomeRequest.self, context: context)
        var grade: LeadGrade?
        if let raw = body.grade {
            guard let parsed = LeadGrade(parsing: raw) else { throw APIError.badParameter("grade", raw, expected: "A, B or C") }
            grade = parsed
        }
        let interaction = try await store.logCallOutcome(callID: id, author: user, customerID: body.customerId,
                                                         outcome: body.outcome, note: body.note, grade: grade)
        return try Response.json(["interactionId": interaction], status: .created)
    }
}
