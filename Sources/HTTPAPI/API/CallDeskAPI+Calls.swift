import CRM
import Foundation
import Vocabulary

extension CallDeskAPI {
    func listCalls(_ input: Operations.ListCalls.Input) async throws -> Operations.ListCalls.Output {
        let (user, mask) = try viewer()
        let query = input.query
        let dates = DateParameter(timeZone: settings.timeZone)
        let limit = try limit(query.limit)
        let filter = CallFilter(
            from: try query.from.map { try dates.parse("from", $0) }, to: try query.to.map { try dates.parse("to", $0) },
            agentID: try query.agent.map { try id($0) }, customerID: try query.customer.map { try id($0) },
            direction: query.direction.flatMap { CallDirection(rawValue: $0.rawValue) },
            result: query.result.flatMap { CallResult(rawValue: $0.rawValue) }, taskID: try query.task.map { try id($0) },
            beforeID: try PageCursor(parsing: query.cursor)?.id, limit: limit)
        return .ok(.init(body: .json(try await callPage(filter, user: user, mask: mask))))
    }

    func getCall(_ input: Operations.GetCall.Input) async throws -> Operations.GetCall.Output {
        let (user, mask) = try viewer()
        let call = try await store.call(id: try id(input.path.id), visibleTo: user)
        try await auditUnmasked(user, mask, entity: "call", ids: [call.id])
        return .ok(.init(body: .json(try .init(call, mask: mask))))
    }

    func listCustomerCalls(_ input: Operations.ListCustomerCalls.Input) async throws -> Operations.ListCustomerCalls.Output {
        let (user, mask) = try viewer()
        let customer = try id(input.path.id)
        try await store.requireCustomer(customer, visibleTo: user)
        let limit = try limit(input.query.limit)
        let filter = CallFilter(customerID: customer, beforeID: try PageCursor(parsing: input.query.cursor)?.id, limit: limit)
        return .ok(.init(body: .json(try await callPage(filter, user: user, mask: mask))))
    }

    func logCallOutcome(_ input: Operations.LogCallOutcome.Input) async throws -> Operations.LogCallOutcome.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let outcome = try text("outcome", body.outcome, maxLength: 100)
        var note: String?
        if let raw = body.note {
            guard raw.count <= 4000, !raw.unicodeScalars.contains(where: { $0 == "\0" }) else {
                throw APIError.badField("note", "must be at most 4000 characters, without NUL")
            }
            note = raw
        }
        let customer = try body.customerId.map { raw -> Int in
            guard raw > 0 else { throw APIError.badField("customerId", "must be a positive id") }
            return Int(raw)
        }
        let followUp = try body.followUpOn.map { day -> Date in
            guard day.count == 10, let midnight = try? DateParameter(timeZone: settings.timeZone).parse("followUpOn", day) else {
                throw APIError.badField("followUpOn", "must be a real date like 2026-12-08")
            }
            guard midnight.addingTimeInterval(86_400) > Date() else { throw APIError.badField("followUpOn", "must be today or later") }
            return midnight.addingTimeInterval(10 * 3600)
        }
        let interaction = try await store.logCallOutcome(callID: try id(input.path.id), author: user, customerID: customer, outcome: outcome,
                                                         note: note, grade: body.grade.flatMap { LeadGrade(rawValue: $0.rawValue) },
                                                         followUpAt: followUp,
                                                         closingTasksDueBefore: DateParameter(timeZone: settings.timeZone).startOfNextDay(after: Date()))
        return .created(.init(body: .json(.init(interactionId: Int64(interaction)))))
    }

    /// One page of the call log for `user`: the calls, their unmasked view audited, and the cursor to the next page.
    private func callPage(_ filter: CallFilter, user: User, mask: PhoneMask) async throws -> Components.Schemas.CallPage {
        let calls = try await store.calls(filter, visibleTo: user)
        try await auditUnmasked(user, mask, entity: "call", ids: calls.map(\.id))
        return .init(items: try calls.map { try .init($0, mask: mask) },
                     nextCursor: PageCursor.next(after: calls, limit: filter.limit) { PageCursor(id: $0.id) })
    }
}
