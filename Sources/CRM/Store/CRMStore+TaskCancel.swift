import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// The kinds of task that only a logged call closes (the 4S rule): ticking a box does not.
    public static let callTaskKinds: Set<TaskKind> = [.followUp, .callback, .renewal, .winBack, .birthday]

    /// Cancels an open task with a reason code. An agent's cancel is a request their manager decides
    /// (returned; the task stays due, and the manager is told); a supervisor's or admin's is final
    /// (`nil`). There is no other way to make a task disappear. Audited.
    public func cancelTask(_ taskID: Int, reason: TaskCancelReason, note: String?, by actor: User) async throws -> ApprovalRecord? {
        try await database.withTransaction { sql in
            struct Row: Decodable { let status: TaskStatus; let ownerId: Int?; let customerId: Int? }
            guard let task = try await sql.select().columns("status", "owner_id", "customer_id").from("tasks").where("id", .equal, taskID)
                .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase),
                  let owner = task.ownerId, try await mayView(ownedBy: owner, actor, in: sql) else {
                throw CRMError.notFound(entity: "task", id: "\(taskID)")
            }
            guard task.status == .open else { throw CRMError.conflict("task \(taskID) is already \(task.status.rawValue)") }
            let text = [reason.rawValue, note].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            guard actor.role == .agent else {
                try await sql.update("tasks").set("status", to: TaskStatus.cancelled.rawValue).set("result", to: text).set("updated_at", to: Date())
                    .where("id", .equal, taskID).run()
                try await audit(sql, actor: actor.id, action: "cancel", entity: "task", entityID: taskID,
                                details: ["before.status": TaskStatus.open.rawValue, "after.status": TaskStatus.cancelled.rawValue, "reason": text])
                return nil
            }
            return try await requestApproval(.taskCancel, subject: taskID, customerID: task.customerId, reason: text, by: actor, in: sql)
        }
    }
}
