import CRM
import Foundation

extension CallDeskAPI {
    func listMyTasks(_ input: Operations.ListMyTasks.Input) async throws -> Operations.ListMyTasks.Output {
        let (user, _) = try viewer()
        let limit = try limit(input.query.limit)
        let now = Date()
        let dueBefore = (input.query.due ?? .today) == .today ? DateParameter(timeZone: settings.timeZone).startOfNextDay(after: now) : nil
        let after = try PageCursor(parsing: input.query.cursor).map { cursor -> (Date, Int) in
            guard let time = cursor.time else { throw APIError.badParameter("cursor", input.query.cursor ?? "", expected: "the nextCursor of the previous page") }
            return (time, cursor.id)
        }
        let tasks = try await store.tasks(TaskFilter(ownerID: user.id, dueBefore: dueBefore, after: after, limit: limit), visibleTo: user)
        return .ok(.init(body: .json(.init(items: try tasks.map { try .init($0, now: now) },
                                           nextCursor: PageCursor.next(after: tasks, limit: limit) { PageCursor(id: $0.id, time: $0.dueAt) }))))
    }

    func listCustomerTasks(_ input: Operations.ListCustomerTasks.Input) async throws -> Operations.ListCustomerTasks.Output {
        let (user, _) = try viewer()
        let limit = try limit(input.query.limit)
        let after = try PageCursor(parsing: input.query.cursor).map { cursor -> (Date, Int) in
            guard let time = cursor.time else { throw APIError.badParameter("cursor", input.query.cursor ?? "", expected: "the nextCursor of the previous page") }
            return (time, cursor.id)
        }
        let tasks = try await store.tasks(TaskFilter(customerID: try id(input.path.id), after: after, limit: limit), visibleTo: user)
        return .ok(.init(body: .json(.init(items: try tasks.map { try .init($0, now: Date()) },
                                           nextCursor: PageCursor.next(after: tasks, limit: limit) { PageCursor(id: $0.id, time: $0.dueAt) }))))
    }

    func completeTask(_ input: Operations.CompleteTask.Input) async throws -> Operations.CompleteTask.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        try await store.completeTask(try id(input.path.id), result: try field("result", body.result, maxLength: 500), by: user)
        return .noContent(.init())
    }
}
