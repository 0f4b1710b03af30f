import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// Creates the callback task for a missed inbound call, once per call; returns its id, or `nil`
    /// when the call already has one. The task goes to `ownerID`, or to the team named `teamName`
    /// (created if missing) when the caller is unknown.
    @discardableResult
    public func createCallbackTask(callID: Int, customerID: Int?, ownerID: Int?, teamName: String?, phone: String?,
                                   dueAt: Date, note: String) async throws -> Int? {
        try await database.withTransaction { sql in
            let teamID = ownerID == nil ? try await teamName.asyncMap { try await ensureTeam(named: $0, in: sql) } : nil
            let now = Date()
            return try await sql.insert(into: "tasks")
                .columns("customer_id", "kind", "status", "owner_id", "team_id", "call_id", "phone_e164", "note",
                         "due_at", "created_at", "updated_at")
                .values(SQLBind(customerID), SQLBind(TaskKind.callback.rawValue), SQLBind(TaskStatus.open.rawValue), SQLBind(ownerID), SQLBind(teamID),
                        SQLBind(callID), SQLBind(phone), SQLBind(note), SQLBind(dueAt), SQLBind(now), SQLBind(now))
                .ignoringConflicts(with: ["kind", "call_id"])
                .returning("id").first(decodingColumn: "id", as: Int.self)
        }
    }

    /// Open tasks of one kind tied to calls, e.g. every callback created so far (tests, reports).
    public func openTasks(kind: TaskKind) async throws -> [OpenCallTask] {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "kind", "customer_id", "owner_id", "team_id", "call_id", "phone_e164", "due_at", "note")
                .from("tasks").where("kind", .equal, kind.rawValue).where("status", .equal, TaskStatus.open.rawValue).orderBy("id")
                .all(decoding: OpenCallTask.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }
}

/// An open task as a work list shows it: whose it is, for which customer or number, and when it is due.
public struct OpenCallTask: Sendable, Hashable, Codable {
    public let id: Int
    public let kind: TaskKind
    public let customerId: Int?
    public let ownerId: Int?
    public let teamId: Int?
    public let callId: Int?
    public let phoneE164: String?
    public let dueAt: Date
    public let note: String?
}

extension CRMStore {
    /// Opens a task of any kind for a customer (a follow-up, a complaint to resolve).
    @discardableResult
    public func addTask(customerID: Int, kind: TaskKind, ownerID: Int, dueAt: Date, note: String?) async throws -> Int {
        try await database.withConnection { sql in
            let now = Date()
            return try await sql.insert(into: "tasks")
                .columns("customer_id", "kind", "status", "owner_id", "due_at", "note", "created_at", "updated_at")
                .values(SQLBind(customerID), SQLBind(kind.rawValue), SQLBind(TaskStatus.open.rawValue), SQLBind(ownerID), SQLBind(dueAt), SQLBind(note), SQLBind(now), SQLBind(now))
                .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
        }
    }
}
