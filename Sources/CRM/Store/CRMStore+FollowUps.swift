import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// Open leads of the graded kinds, owned (a pooled lead waits for its claimant), whose customer has no open follow-up yet: what planning may add
    /// a call for. The anti-join reads the partial index of open follow-ups (`idx_tasks_open_follow_up`),
    /// so a pass with nothing new reads almost nothing. The two values are written as literals (not binds)
    /// so that both query planners see the index's own predicate.
    public func leadsToPlan(grades: [LeadGrade]) async throws -> [PlanningLead] {
        guard !grades.isEmpty else { return [] }
        struct Row: Decodable { let id: Int; let customerId: Int; let ownerId: Int; let grade: LeadGrade; let gradedAt: Date; let lastProgressAt: Date }
        let rows = try await database.withConnection { sql in
            try await sql.raw("""
                SELECT l.id AS id, l.customer_id AS customer_id, l.owner_id AS owner_id, l.grade AS grade, l.graded_at AS graded_at,
                       l.last_progress_at AS last_progress_at
                FROM leads l JOIN customers c ON c.id = l.customer_id
                WHERE l.closed_at IS NULL AND c.merged_into IS NULL AND l.owner_id IS NOT NULL AND l.grade IN (\(binds: grades.map(\.rawValue)))
                  AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.customer_id = l.customer_id
                                  AND t.kind = '\(unsafeRaw: TaskKind.followUp.rawValue)' AND t.status = '\(unsafeRaw: TaskStatus.open.rawValue)')
                """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        return rows.map { PlanningLead(id: $0.id, customerId: $0.customerId, ownerId: $0.ownerId, grade: $0.grade, gradedAt: $0.gradedAt,
                                       lastProgressAt: $0.lastProgressAt, hasOpenFollowUp: false) }
    }

    /// Open tasks per owner and day (by `day`), from `start` on: what planning spreads around.
    public func openTaskLoad(from start: Date, day: (Date) -> String) async throws -> [Int: [String: Int]] {
        struct Row: Decodable { let ownerId: Int; let dueAt: Date }
        let rows = try await database.withConnection { sql in
            try await sql.select().columns("owner_id", "due_at").from("tasks").where("status", .equal, TaskStatus.open.rawValue)
                .where("owner_id", .isNot, SQLLiteral.null).where("due_at", .greaterThanOrEqual, start).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        var load: [Int: [String: Int]] = [:]
        for row in rows { load[row.ownerId, default: [:]][day(row.dueAt), default: 0] += 1 }
        return load
    }

    /// One planned call task to insert: what kind, for whom, whose, when due, its unique key, priority and policy.
    public struct PlannedCall: Sendable, Hashable {
        public let kind: TaskKind, leadID: Int?, customerID: Int, ownerID: Int, dueAt: Date, key: String
        public var priority = 0, policyID: Int? = nil, note: String? = nil
        public init(kind: TaskKind = .followUp, leadID: Int?, customerID: Int, ownerID: Int, dueAt: Date, key: String,
                    priority: Int = 0, policyID: Int? = nil, note: String? = nil) {
            (self.kind, self.leadID, self.customerID, self.ownerID, self.dueAt, self.key) = (kind, leadID, customerID, ownerID, dueAt, key)
            (self.priority, self.policyID, self.note) = (priority, policyID, note)
        }
    }

    /// Inserts planned calls; one already planned (same key) is skipped. Returns the keys that were new.
    @discardableResult
    public func insertPlanned(_ tasks: [PlannedCall], note: String = "跟进 follow-up") async throws -> Set<String> {
        guard !tasks.isEmpty else { return [] }
        let now = Date()
        return try await database.withTransaction { sql in
            var created: Set<String> = []
            for chunk in stride(from: 0, to: tasks.count, by: 500).map({ Array(tasks[$0..<min($0 + 500, tasks.count)]) }) {
                var insert = sql.insert(into: "tasks")
                    .columns("customer_id", "lead_id", "kind", "status", "owner_id", "due_at", "note", "plan_key", "priority", "policy_id",
                             "created_at", "updated_at")
                for task in chunk {
                    insert = insert.values(SQLBind(task.customerID), SQLBind(task.leadID), SQLBind(task.kind.rawValue),
                                           SQLBind(TaskStatus.open.rawValue), SQLBind(task.ownerID), SQLBind(task.dueAt), SQLBind(task.note ?? note),
                                           SQLBind(task.key), SQLBind(task.priority), SQLBind(task.policyID), SQLBind(now), SQLBind(now))
                }
                created.formUnion(try await insert.ignoringConflicts(with: ["plan_key"]).returning("plan_key").all(decodingColumn: "plan_key", as: String.self))
            }
            return created
        }
    }
}
