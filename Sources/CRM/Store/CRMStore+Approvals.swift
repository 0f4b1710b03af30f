import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    static let approvalColumns = ["id", "kind", "subject_id", "customer_id", "reason", "status", "requested_by", "requested_at",
                                  "decided_by", "decided_at", "note"]

    /// Files a request for a manager; one pending request per subject. Audited.
    func requestApproval(_ kind: ApprovalKind, subject: Int, customerID: Int?, reason: String, by actor: User,
                         in sql: any SQLDatabase) async throws -> ApprovalRecord {
        if try await sql.select().column("id").from("approvals").where("kind", .equal, kind.rawValue).where("subject_id", .equal, subject)
            .where("status", .equal, ApprovalStatus.pending.rawValue).first() != nil {
            throw CRMError.conflict("a request for this is already waiting for a manager")
        }
        let id = try await sql.insert(into: "approvals")
            .columns("kind", "subject_id", "customer_id", "reason", "status", "requested_by", "requested_at")
            .values(SQLBind(kind.rawValue), SQLBind(subject), SQLBind(customerID), SQLBind(reason), SQLBind(ApprovalStatus.pending.rawValue),
                    SQLBind(actor.id), SQLBind(Date()))
            .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
        try await audit(sql, actor: actor.id, action: "request", entity: "approval", entityID: id,
                        details: ["after.kind": kind.rawValue, "after.subject": "\(subject)", "reason": reason])
        let what = kind == .leadLost ? "申请将线索 #\(subject) 关闭为战败" : "申请取消任务 #\(subject)"
        for manager in try await supervisors(of: actor.id, in: sql) {
            try await notify(manager, .approvalNeeded, entity: "approval", id: id, customerID: customerID, message: "\(actor.name) \(what)（\(reason)）", in: sql)
        }
        return try await approval(id, in: sql)
    }

    /// Requests `viewer` may see, newest first: an agent their own, a supervisor their team's, an admin all.
    public func approvals(visibleTo viewer: User, status: ApprovalStatus? = nil, beforeID: Int? = nil, limit: Int = 50) async throws -> [ApprovalRecord] {
        try await database.withConnection { sql in
            var select = sql.select().columns(Self.approvalColumns).from("approvals")
            if let status { select = select.where("status", .equal, status.rawValue) }
            if let beforeID { select = select.where("id", .lessThan, beforeID) }
            if let users = viewer.access.reachableUsers() { select = select.where("requested_by", .in, users) }
            return try await select.orderBy("id", .descending).limit(max(1, min(limit, 500)))
                .all(decoding: ApprovalRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    /// A manager's decision on a pending request. Approving a lost request closes the lead as lost;
    /// rejecting leaves everything as it was. Only supervisors (for their team) and admins decide. Audited.
    public func decide(approval id: Int, approve: Bool, note: String?, by actor: User) async throws -> ApprovalRecord {
        guard actor.role != .agent else { throw CRMError.forbidden("requests are decided by supervisors and admins") }
        return try await database.withTransaction { sql in
            let request = try await approval(id, in: sql)
            guard try await mayView(ownedBy: request.requestedBy, actor, in: sql) else { throw CRMError.notFound(entity: "approval", id: "\(id)") }
            guard request.status == .pending else { throw CRMError.conflict("request \(id) was already \(request.status.rawValue)") }
            let status: ApprovalStatus = approve ? .approved : .rejected
            try await sql.update("approvals").set("status", to: status.rawValue).set("decided_by", to: actor.id).set("decided_at", to: Date())
                .set("note", to: note).where("id", .equal, id).run()
            if approve {
                switch request.kind {
                case .leadLost:
                    let lead = try await requireLead(request.subjectId, visibleTo: actor, in: sql)
                    if lead.closedAt == nil { try await close(lead, as: .lost, reason: request.reason, by: actor.id, in: sql) }
                case .taskCancel:
                    try await sql.update("tasks").set("status", to: TaskStatus.cancelled.rawValue).set("result", to: request.reason)
                        .set("updated_at", to: Date()).where("id", .equal, request.subjectId).where("status", .equal, TaskStatus.open.rawValue).run()
                }
            } else if request.kind == .taskCancel {
                // Rejected: the task stays due, today at the latest.
                try await sql.update("tasks").set("due_at", to: Date()).set("updated_at", to: Date()).where("id", .equal, request.subjectId)
                    .where("status", .equal, TaskStatus.open.rawValue).where("due_at", .greaterThan, Date()).run()
            }
            let what = request.kind == .leadLost ? "线索 #\(request.subjectId) 战败申请" : "任务 #\(request.subjectId) 取消申请"
            try await notify(request.requestedBy, .approvalDecided, entity: "approval", id: id, customerID: request.customerId,
                             message: "\(what)\(approve ? "已批准" : "被驳回")" + (note.map { "：\($0)" } ?? ""), in: sql)
            try await audit(sql, actor: actor.id, action: approve ? "approve" : "reject", entity: "approval", entityID: id,
                            details: ["before.status": request.status.rawValue, "after.status": status.rawValue, "note": note ?? ""])
            return try await approval(id, in: sql)
        }
    }

    private func approval(_ id: Int, in sql: any SQLDatabase) async throws -> ApprovalRecord {
        guard let row = try await sql.select().columns(Self.approvalColumns).from("approvals").where("id", .equal, id)
            .first(decoding: ApprovalRecord.self, keyDecodingStrategy: .convertFromSnakeCase) else {
            throw CRMError.notFound(entity: "approval", id: "\(id)")
        }
        return row
    }
}
