import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// The thresholds as points in time: what is older than each is past it.
    public struct EscalationCutoffs: Sendable {
        public var staleA: Date, expiredA: Date, staleB: Date, overdueFlag: Date, overdueReassign: Date, lateCallback: Date
        /// The start of today: requests from before it are undecided past their day.
        public var startOfToday: Date
        public var now: Date

        public init(staleA: Date, expiredA: Date, staleB: Date, overdueFlag: Date, overdueReassign: Date, lateCallback: Date, startOfToday: Date, now: Date) {
            (self.staleA, self.expiredA, self.staleB, self.overdueFlag) = (staleA, expiredA, staleB, overdueFlag)
            (self.overdueReassign, self.lateCallback, self.startOfToday, self.now) = (overdueReassign, lateCallback, startOfToday, now)
        }
    }

    /// Everything past a threshold and not yet escalated under its key.
    public func escalationCandidates(_ cut: EscalationCutoffs) async throws -> [EscalationCandidate] {
        try await database.withConnection { sql in
            let made = Set(try await sql.select().column("key").from("escalations").all(decodingColumn: "key", as: String.self))
            var found: [EscalationCandidate] = []
            struct LeadRow: Decodable { let id: Int; let customerId: Int; let name: String; let ownerId: Int; let teamId: Int?; let grade: LeadGrade; let gradedAt: Date }
            let leads = try await sql.raw("""
                SELECT l.id AS id, l.customer_id AS customer_id, c.name AS name, l.owner_id AS owner_id, u.team_id AS team_id,
                       l.grade AS grade, l.graded_at AS graded_at
                FROM leads l JOIN customers c ON c.id = l.customer_id JOIN users u ON u.id = l.owner_id
                WHERE l.closed_at IS NULL AND c.merged_into IS NULL
                  AND ((l.grade = \(bind: LeadGrade.a.rawValue) AND l.graded_at <= \(bind: cut.staleA))
                    OR (l.grade = \(bind: LeadGrade.b.rawValue) AND l.graded_at <= \(bind: cut.staleB)))
                ORDER BY l.id
                """).all(decoding: LeadRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            for lead in leads {
                let rule: EscalationRule = lead.grade == .b ? .staleB : lead.gradedAt <= cut.expiredA ? .expiredA : .staleA
                found.append(.init(rule: rule, entity: "lead", entityID: lead.id, customerID: lead.customerId, customerName: lead.name,
                                   ownerID: lead.ownerId, teamID: lead.teamId, key: "\(rule.rawValue):lead:\(lead.id):\(Int(lead.gradedAt.timeIntervalSince1970))"))
            }
            struct TaskRow: Decodable {
                let id: Int; let kind: TaskKind; let customerId: Int?; let name: String?; let ownerId: Int?; let teamId: Int?
                let dueAt: Date; let createdAt: Date
            }
            let tasks = try await sql.raw("""
                SELECT t.id AS id, t.kind AS kind, t.customer_id AS customer_id, c.name AS name, t.owner_id AS owner_id,
                       COALESCE(u.team_id, t.team_id) AS team_id, t.due_at AS due_at, t.created_at AS created_at
                FROM tasks t LEFT JOIN users u ON u.id = t.owner_id LEFT JOIN customers c ON c.id = t.customer_id
                WHERE t.status = \(bind: TaskStatus.open.rawValue)
                  AND ((t.kind = \(bind: TaskKind.callback.rawValue) AND t.created_at <= \(bind: cut.lateCallback))
                    OR (t.kind = \(bind: TaskKind.complaint.rawValue) AND t.due_at < \(bind: cut.now))
                    OR (t.kind NOT IN (\(bind: TaskKind.callback.rawValue), \(bind: TaskKind.complaint.rawValue))
                        AND t.owner_id IS NOT NULL AND t.due_at <= \(bind: cut.overdueFlag)))
                ORDER BY t.id
                """).all(decoding: TaskRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            for task in tasks {
                let due = Int(task.dueAt.timeIntervalSince1970)
                let (rule, key): (EscalationRule, String) = switch task.kind {
                case .callback: (.lateCallback, "late_callback:task:\(task.id)")
                case .complaint: (.lateComplaint, "late_complaint:task:\(task.id):\(due)")
                default: task.dueAt <= cut.overdueReassign ? (.overdueTaskReassigned, "overdue_task_reassigned:task:\(task.id):\(due)")
                    : (.overdueTask, "overdue_task:task:\(task.id):\(due)")
                }
                found.append(.init(rule: rule, entity: "task", entityID: task.id, customerID: task.customerId, customerName: task.name,
                                   ownerID: task.ownerId, teamID: task.teamId, key: key))
            }
            struct RequestRow: Decodable { let id: Int; let customerId: Int?; let requestedBy: Int; let teamId: Int? }
            let requests = try await sql.raw("""
                SELECT a.id AS id, a.customer_id AS customer_id, a.requested_by AS requested_by, u.team_id AS team_id
                FROM approvals a JOIN users u ON u.id = a.requested_by
                WHERE a.status = \(bind: ApprovalStatus.pending.rawValue) AND a.requested_at < \(bind: cut.startOfToday)
                ORDER BY a.id
                """).all(decoding: RequestRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            for request in requests {
                found.append(.init(rule: .undecidedRequest, entity: "approval", entityID: request.id, customerID: request.customerId, customerName: nil,
                                   ownerID: request.requestedBy, teamID: request.teamId, key: "undecided_request:approval:\(request.id)"))
            }
            return found.filter { !made.contains($0.key) }
        }
    }

    /// Active users with their role, team, seniority and load (open tasks plus open leads).
    public func teamMembers() async throws -> [TeamMember] {
        try await database.withConnection { sql in
            try await sql.raw("""
                SELECT u.id AS id, u.role AS role, u.team_id AS team_id, u.seniority AS seniority,
                       (SELECT COUNT(*) FROM tasks t WHERE t.owner_id = u.id AND t.status = \(bind: TaskStatus.open.rawValue))
                     + (SELECT COUNT(*) FROM leads l WHERE l.owner_id = u.id AND l.closed_at IS NULL) AS load
                FROM users u WHERE u.disabled_at IS NULL ORDER BY u.id
                """).all(decoding: TeamMember.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    /// Makes one escalation, once: its key is written first, in the same transaction as what it does,
    /// so a second pass or a second daemon finds it made and does nothing. `successor` takes a
    /// reassigned lead or task. Returns whether this call made it.
    @discardableResult
    public func escalate(_ candidate: EscalationCandidate, successor: Int?, now: Date) async throws -> Bool {
        // A move with nobody to take it over waits for the next pass (someone may join the team).
        if [.staleA, .staleB, .overdueTaskReassigned].contains(candidate.rule) && successor == nil { return false }
        return try await database.withTransaction { sql in
            guard try await sql.insert(into: "escalations").columns("key", "rule", "entity", "entity_id", "from_user", "to_user", "made_at")
                .values(SQLBind(candidate.key), SQLBind(candidate.rule.rawValue), SQLBind(candidate.entity), SQLBind(candidate.entityID),
                        SQLBind(candidate.ownerID), SQLBind(successor), SQLBind(now))
                .ignoringConflicts(with: ["key"]).returning("id").first() != nil else { return false }
            let name = candidate.customerName ?? "#\(candidate.customerID.map(String.init) ?? "-")"
            let supervisors = try await candidate.teamID.asyncMap { try await self.supervisors(ofTeam: $0, in: sql) } ?? []
            func tell(_ users: [Int], _ kind: NotificationKind, _ message: String) async throws {
                for user in Set(users) {
                    try await notify(user, kind, entity: candidate.entity, id: candidate.entityID, customerID: candidate.customerID, message: message, in: sql)
                }
            }
            switch candidate.rule {
            case .staleA, .staleB:
                guard let successor, let customer = candidate.customerID, let owner = candidate.ownerID else { return false }
                let grade = candidate.rule == .staleA ? "A" : "B"
                try await moveOwner(customerID: customer, to: successor, actor: nil, reason: "escalation: \(grade) for 3 months without progress",
                                    kind: .escalated, in: sql)
                try await tell([successor], .reassigned, "\(name)：\(grade) 级线索超过 3 个月未成交，已转给你跟进")
                try await tell([owner] + supervisors.filter { $0 != successor }, .escalated, "\(name)：\(grade) 级线索超过 3 个月未成交，已转交他人")
            case .expiredA:
                try await regrade(lead: candidate.entityID, from: .a, to: .c, by: nil, reason: "escalation: A for 6 months without conversion", in: sql)
                try await tell((candidate.ownerID.map { [$0] } ?? []) + supervisors, .escalated, "\(name)：A 级线索 6 个月未成交，已降为 C 级")
            case .overdueTask:
                try await tell(supervisors, .escalated, "\(name)：任务已逾期")
            case .overdueTaskReassigned:
                guard let successor else { return false }
                try await sql.update("tasks").set("owner_id", to: successor).set("due_at", to: now).set("updated_at", to: now)
                    .where("id", .equal, candidate.entityID).where("status", .equal, TaskStatus.open.rawValue).run()
                try await tell([successor], .reassigned, "\(name)：逾期任务已转给你，今天处理")
                try await tell((candidate.ownerID.map { [$0] } ?? []) + supervisors.filter { $0 != successor }, .escalated, "\(name)：任务逾期过久，已转交他人")
            case .lateCallback:
                try await tell(supervisors, .escalated, "\(name)：未接来电的回拨超时未做")
            case .lateComplaint:
                try await tell(supervisors, .escalated, "\(name)：投诉超过处理时限未关闭")
            case .undecidedRequest:
                try await tell(supervisors, .escalated, "审批申请 #\(candidate.entityID) 当天无人处理")
            }
            try await audit(sql, actor: nil, action: "escalate", entity: candidate.entity, entityID: candidate.entityID,
                            details: ["rule": candidate.rule.rawValue, "from": candidate.ownerID.map(String.init) ?? "", "to": successor.map(String.init) ?? ""])
            return true
        }
    }
}
