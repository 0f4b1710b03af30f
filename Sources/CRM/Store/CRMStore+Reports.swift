import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// Each agent's figures for `[start, end)`, for the agents `viewer` may see (an agent themselves,
    /// a supervisor their team, an admin everyone), by name. `now` decides what is overdue.
    public func agentReports(from start: Date, to end: Date, now: Date = Date(), visibleTo viewer: User) async throws -> [AgentReport] {
        try await database.withConnection { sql in
            struct Person: Decodable { let id: Int; let name: String; let team: String? }
            var people = sql.select().column(SQLColumn("id", table: "u")).column(SQLColumn("name", table: "u"))
                .column(SQLColumn("name", table: "t"), as: "team")
                .from(SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")))
                .join(SQLAlias(SQLIdentifier("teams"), as: SQLIdentifier("t")), method: SQLJoinMethod.left,
                      on: SQLColumn("id", table: "t"), .equal, SQLColumn("team_id", table: "u"))
                .where(SQLColumn("role", table: "u"), .equal, SQLBind(UserRole.agent.rawValue))
            if let users = viewer.access.reachableUsers() { people = people.where(SQLColumn("id", table: "u"), .in, users) }
            let agents = try await people.orderBy(SQLColumn("name", table: "u")).all(decoding: Person.self)
            var rows = Dictionary(uniqueKeysWithValues: agents.map { ($0.id, AgentReport(userId: $0.id, name: $0.name, team: $0.team)) })
            guard !rows.isEmpty else { return [] }
            let ids = Array(rows.keys)
            struct Count: Decodable { let userId: Int; let n: Int; let extra: Int }
            func counts(_ query: SQLQueryString) async throws -> [Count] {
                try await sql.raw(query).all(decoding: Count.self, keyDecodingStrategy: .convertFromSnakeCase)
            }
            let (answered, outbound, inbound) = (CallResult.answered.rawValue, CallDirection.outbound.rawValue, CallDirection.inbound.rawValue)
            for row in try await counts("""
                SELECT ca.user_id AS user_id, COUNT(*) AS n,
                       SUM(CASE WHEN c.result = \(bind: answered) THEN 1 ELSE 0 END) AS extra
                FROM call_agents ca JOIN calls c ON c.id = ca.call_id
                WHERE c.direction = \(bind: outbound) AND c.ring_at >= \(bind: start) AND c.ring_at < \(bind: end) AND ca.user_id IN (\(binds: ids))
                GROUP BY ca.user_id
                """) { rows[row.userId]?.callsMade = row.n; rows[row.userId]?.callsMadeAnswered = row.extra }
            for row in try await counts("""
                SELECT ca.user_id AS user_id, SUM(CASE WHEN c.direction = \(bind: inbound) THEN 1 ELSE 0 END) AS n,
                       COALESCE(SUM(c.talk_time), 0) AS extra
                FROM call_agents ca JOIN calls c ON c.id = ca.call_id
                WHERE c.answer_at >= \(bind: start) AND c.answer_at < \(bind: end) AND ca.user_id IN (\(binds: ids))
                GROUP BY ca.user_id
                """) { rows[row.userId]?.inboundAnswered = row.n; rows[row.userId]?.talkSeconds = row.extra }
            let (open, done, cancelled) = (TaskStatus.open.rawValue, TaskStatus.done.rawValue, TaskStatus.cancelled.rawValue)
            let overdueBefore = min(end, now)
            for row in try await counts("""
                SELECT owner_id AS user_id, COUNT(*) AS n,
                       SUM(CASE WHEN status = \(bind: open) AND due_at < \(bind: overdueBefore) THEN 1 ELSE 0 END) AS extra
                FROM tasks WHERE due_at >= \(bind: start) AND due_at < \(bind: end) AND owner_id IN (\(binds: ids))
                GROUP BY owner_id
                """) { rows[row.userId]?.tasksDue = row.n; rows[row.userId]?.tasksOverdue = row.extra }
            for row in try await counts("""
                SELECT owner_id AS user_id, SUM(CASE WHEN status = \(bind: done) THEN 1 ELSE 0 END) AS n,
                       SUM(CASE WHEN status = \(bind: cancelled) THEN 1 ELSE 0 END) AS extra
                FROM tasks WHERE updated_at >= \(bind: start) AND updated_at < \(bind: end) AND owner_id IN (\(binds: ids))
                GROUP BY owner_id
                """) { rows[row.userId]?.tasksDone = row.n; rows[row.userId]?.tasksCancelled = row.extra }
            for row in try await counts("""
                SELECT owner_id AS user_id, COUNT(*) AS n,
                       SUM(CASE WHEN status = \(bind: done) AND updated_at <= due_at THEN 1 ELSE 0 END) AS extra
                FROM tasks WHERE kind = \(bind: TaskKind.callback.rawValue) AND due_at >= \(bind: start) AND due_at < \(bind: end)
                  AND owner_id IN (\(binds: ids))
                GROUP BY owner_id
                """) { rows[row.userId]?.callbacksDue = row.n; rows[row.userId]?.callbacksInTime = row.extra }
            // Grades: A is warmest; a change towards A is an upgrade.
            struct Change: Decodable { let changedBy: Int; let previousGrade: LeadGrade?; let grade: LeadGrade }
            let changes = try await sql.select().columns("changed_by", "previous_grade", "grade").from("lead_grade_history")
                .where("changed_at", .greaterThanOrEqual, start).where("changed_at", .lessThan, end).where("changed_by", .in, ids)
                .where("previous_grade", .isNot, SQLLiteral.null)
                .all(decoding: Change.self, keyDecodingStrategy: .convertFromSnakeCase)
            let warmth: [LeadGrade: Int] = [.a: 3, .b: 2, .c: 1]
            for change in changes {
                guard let before = change.previousGrade.flatMap({ warmth[$0] }), let after = warmth[change.grade], before != after else { continue }
                if after > before { rows[change.changedBy]?.leadsUpgraded += 1 } else { rows[change.changedBy]?.leadsDowngraded += 1 }
            }
            for row in try await counts("""
                SELECT owner_id AS user_id, COUNT(*) AS n, 0 AS extra FROM leads
                WHERE stage = \(bind: LeadStage.won.rawValue) AND closed_at >= \(bind: start) AND closed_at < \(bind: end) AND owner_id IN (\(binds: ids))
                GROUP BY owner_id
                """) { rows[row.userId]?.conversions = row.n }
            return agents.compactMap { rows[$0.id] }
        }
    }
}
