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
        // Each column decoded by name, not a Decodable row with converted keys: over half a million
        // leads that was most of a first pass's reading (measured: `calldesk-bench schedule`).
        let rows = try await database.withConnection { sql in
            try await sql.raw("""
                SELECT l.id AS id, l.customer_id AS customer_id, l.owner_id AS owner_id, l.grade AS grade, l.graded_at AS graded_at,
                       l.last_progress_at AS last_progress_at, c.time_zone AS time_zone
                FROM leads l JOIN customers c ON c.id = l.customer_id
                WHERE l.closed_at IS NULL AND c.merged_into IS NULL AND l.owner_id IS NOT NULL AND l.grade IN (\(binds: grades.map(\.rawValue)))
                  AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.customer_id = l.customer_id
                                  AND t.kind = '\(unsafeRaw: TaskKind.followUp.rawValue)' AND t.status = '\(unsafeRaw: TaskStatus.open.rawValue)')
                """).all()
        }
        return try rows.map { row in
            PlanningLead(id: try row.decode(column: "id", as: Int.self), customerId: try row.decode(column: "customer_id", as: Int.self),
                         ownerId: try row.decode(column: "owner_id", as: Int.self), grade: try row.decode(column: "grade", as: LeadGrade.self),
                         gradedAt: try row.decode(column: "graded_at", as: Date.self), lastProgressAt: try row.decode(column: "last_progress_at", as: Date.self),
                         hasOpenFollowUp: false, timeZone: try row.decode(column: "time_zone", as: String?.self))
        }
    }

    /// Open tasks per owner and day (`day` names the day of a moment), from `start` on: what planning
    /// spreads around. Counted in SQL by day (the zone's offset at `start`; a daylight-saving change
    /// moves an hour's tasks by a day at most), so half a million open tasks come back as a few
    /// thousand counts, not as rows.
    public func openTaskLoad(from start: Date, timeZone: TimeZone, day: (Date) -> String) async throws -> [Int: [String: Int]] {
        let offset = timeZone.secondsFromGMT(for: start)
        let dayNumber = database.engine == .postgres
            ? "FLOOR((EXTRACT(EPOCH FROM due_at) + \(offset)) / 86400)::bigint" : "CAST((due_at + \(offset)) / 86400 AS INTEGER)"
        let rows = try await database.withConnection { sql in
            try await sql.raw("""
                SELECT owner_id, \(unsafeRaw: dayNumber) AS day, COUNT(*) AS n FROM tasks
                WHERE status = \(bind: TaskStatus.open.rawValue) AND owner_id IS NOT NULL AND due_at >= \(bind: start)
                GROUP BY owner_id, \(unsafeRaw: dayNumber)
                """).all()
        }
        var load: [Int: [String: Int]] = [:]
        for row in rows {
            // Noon of that day in the zone names it.
            let noon = Date(timeIntervalSince1970: Double(try row.decode(column: "day", as: Int.self) * 86_400 - offset + 43_200))
            load[try row.decode(column: "owner_id", as: Int.self), default: [:]][day(noon), default: 0] += try row.decode(column: "n", as: Int.self)
        }
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
    ///
    /// A chunk is one statement with one value per column, not twelve binds a row through SQLKit's
    /// encoder (what made a first pass over a million leads slow, `calldesk-bench schedule`): on
    /// PostgreSQL arrays unnested, on SQLite a JSON array read by `json_each`. Both skip a known key.
    @discardableResult
    public func insertPlanned(_ tasks: [PlannedCall], note: String = "跟进 follow-up") async throws -> Set<String> {
        guard !tasks.isEmpty else { return [] }
        let now = Date()
        let engine = database.engine
        return try await database.withTransaction { sql in
            var created: Set<String> = []
            for start in stride(from: 0, to: tasks.count, by: 10_000) {
                let chunk = tasks[start..<min(start + 10_000, tasks.count)]
                let rows = engine == .postgres ? try await Self.insertUnnested(chunk, note: note, now: now, in: sql)
                    : try await Self.insertFromJSON(chunk, note: note, now: now, in: sql)
                for row in rows { created.insert(try row.decode(column: "plan_key", as: String.self)) }
            }
            return created
        }
    }

    private static let plannedColumns = "customer_id, lead_id, kind, status, owner_id, due_at, note, plan_key, priority, policy_id, created_at, updated_at"

    private static func insertUnnested(_ tasks: ArraySlice<PlannedCall>, note: String, now: Date, in sql: any SQLDatabase) async throws -> [any SQLRow] {
        // Ids are positive: 0 stands for none in the arrays and becomes NULL again.
        try await sql.raw("""
            INSERT INTO tasks (\(unsafeRaw: plannedColumns))
            SELECT t.customer_id, NULLIF(t.lead_id, 0), t.kind, \(bind: TaskStatus.open.rawValue), t.owner_id, t.due_at, t.note, t.plan_key,
                   t.priority, NULLIF(t.policy_id, 0), \(bind: now), \(bind: now)
            FROM unnest(\(bind: tasks.map(\.customerID))::int8[], \(bind: tasks.map { $0.leadID ?? 0 })::int8[], \(bind: tasks.map(\.kind.rawValue))::text[],
                        \(bind: tasks.map(\.ownerID))::int8[], \(bind: tasks.map(\.dueAt))::timestamptz[], \(bind: tasks.map { $0.note ?? note })::text[],
                        \(bind: tasks.map(\.key))::text[], \(bind: tasks.map(\.priority))::int8[], \(bind: tasks.map { $0.policyID ?? 0 })::int8[])
                 AS t(customer_id, lead_id, kind, owner_id, due_at, note, plan_key, priority, policy_id)
            ON CONFLICT (plan_key) DO NOTHING RETURNING plan_key
            """).all()
    }

    private static func insertFromJSON(_ tasks: ArraySlice<PlannedCall>, note: String, now: Date, in sql: any SQLDatabase) async throws -> [any SQLRow] {
        // Dates as sqlite-nio writes them: seconds since 1970.
        struct Row: Encodable {
            let c: Int, l: Int?, k: String, o: Int, d: Double, n: String, p: String, r: Int, y: Int?
        }
        let json = String(decoding: try JSONEncoder().encode(tasks.map {
            Row(c: $0.customerID, l: $0.leadID, k: $0.kind.rawValue, o: $0.ownerID, d: $0.dueAt.timeIntervalSince1970, n: $0.note ?? note,
                p: $0.key, r: $0.priority, y: $0.policyID)
        }), as: UTF8.self)
        return try await sql.raw("""
            INSERT INTO tasks (\(unsafeRaw: plannedColumns))
            SELECT value ->> '$.c', value ->> '$.l', value ->> '$.k', \(bind: TaskStatus.open.rawValue), value ->> '$.o', value ->> '$.d',
                   value ->> '$.n', value ->> '$.p', value ->> '$.r', value ->> '$.y', \(bind: now), \(bind: now)
            FROM json_each(\(bind: json)) WHERE true
            ON CONFLICT (plan_key) DO NOTHING RETURNING plan_key
            """).all()
    }
}
