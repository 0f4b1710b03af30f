import CRM
import Foundation
import Vocabulary

extension CallDeskAPI {
    func cancelTask(_ input: Operations.CancelTask.Input) async throws -> Operations.CancelTask.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        guard let reason = TaskCancelReason(rawValue: body.reason.rawValue) else { throw APIError.badField("reason", "is not a cancel reason") }
        let note = try body.note.map { try field("note", $0, maxLength: 500) }
        guard let request = try await store.cancelTask(try id(input.path.id), reason: reason, note: note, by: user) else {
            return .noContent(.init())
        }
        return .accepted(.init(body: .json(try .init(request))))
    }

    func listNotifications(_ input: Operations.ListNotifications.Input) async throws -> Operations.ListNotifications.Output {
        let (user, _) = try viewer()
        let limit = try limit(input.query.limit)
        let items = try await store.notifications(for: user, unreadOnly: input.query.unread ?? false,
                                                  beforeID: try PageCursor(parsing: input.query.cursor)?.id, limit: limit)
        return .ok(.init(body: .json(.init(items: try items.map { try .init($0) },
                                           nextCursor: PageCursor.next(after: items, limit: limit) { PageCursor(id: $0.id) }))))
    }

    func readNotification(_ input: Operations.ReadNotification.Input) async throws -> Operations.ReadNotification.Output {
        let (user, _) = try viewer()
        try await store.markNotificationRead(try id(input.path.id), by: user)
        return .noContent(.init())
    }
}
