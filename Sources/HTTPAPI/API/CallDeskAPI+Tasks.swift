import CRM
import Foundation

extension CallDeskAPI {
    func listMyTasks(_ input: Operations.ListMyTasks.Input) async throws -> Operations.ListMyTasks.Output {
        let (user, _) = try viewer()
        let limit = try limit(input.query.limit)
        let now = Date()
        let dueBefore = (input.query.due ?? .today) == .today ? DateParameter(timeZone: settings.timeZone).startOfNextDay(after: now) : nil
        let after = try PageCursor.timed(parsing: input.query.cursor)
        let filter = TaskFilter(ownerID: user.id, dueBefore: dueBefore, after: after, limit: limit)
        return .ok(.init(body: .json(try await taskPage(filter, user: user, now: now))))
    }

    func listCustomerTasks(_ input: Operations.ListCustomerTasks.Input) async throws -> Operations.ListCustomerTasks.Output {
        let (user, _) = try viewer()
        let limit = try limit(input.query.limit)
        let after = try PageCursor.timed(parsing: input.query.cursor)
        let filter = TaskFilter(customerID: try id(input.path.id), after: after, limit: limit)
        return .ok(.init(body: .json(try await taskPage(filter, user: user, now: Date()))))
    }

    func completeTask(_ input: Operations.CompleteTask.Input) async throws -> Operations.CompleteTask.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        try await store.completeTask(try id(input.path.id), result: try field("result", body.result, maxLength: 500), by: user)
        return .noContent(.init())
    }

    /// One page of tasks for `user`, with the cursor (due time and id) to the next page.
    private func taskPage(_ filter: TaskFilter, user: User, now: Date) async throws -> Components.Schemas.TaskPage {
        let tasks = try await store.tasks(filter, visibleTo: user)
        return .init(items: try tasks.map { try .init($0, now: now) },
                     nextCursor: PageCursor.next(after: tasks, limit: filter.limit) { PageCursor(id: $0.id, time: $0.dueAt) })
    }
}
