import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// One call, if `viewer` may see it (`AccessPolicy`); one they may not see is not found, like a missing one.
    public func call(id: Int, visibleTo viewer: User) async throws -> StoredCall {
        let calls = try await database.withConnection { sql in
            try await storedCalls(viewer.access.restrictCalls(sql.select().where(SQLColumn("id", table: "k"), .equal, SQLBind(id)), table: "k"), in: sql)
        }
        guard let call = calls.first else { throw CRMError.notFound(entity: "call", id: "\(id)") }
        return call
    }

    /// The call log, newest first, narrowed by `filter` and by what `viewer` may see.
    public func calls(_ filter: CallFilter, visibleTo viewer: User) async throws -> [StoredCall] {
        try await database.withConnection { sql in
            var query = sql.select()
            if let from = filter.from { query = query.where(SQLColumn("ring_at", table: "k"), .greaterThanOrEqual, SQLBind(from)) }
            if let to = filter.to { query = query.where(SQLColumn("ring_at", table: "k"), .lessThan, SQLBind(to)) }
            if let agent = filter.agentID { query = query.where(SQLColumn("id", table: "k"), .in, Self.callsOfAgent(agent)) }
            if let direction = filter.direction { query = query.where(SQLColumn("direction", table: "k"), .equal, SQLBind(direction.rawValue)) }
            if let result = filter.result { query = query.where(SQLColumn("result", table: "k"), .equal, SQLBind(result.rawValue)) }
            if let task = filter.taskID { query = query.where(SQLColumn("task_id", table: "k"), .equal, SQLBind(task)) }
            if let customer = filter.customerID { query = query.where(SQLColumn("id", table: "k"), .in, Self.callsOfCustomer(customer)) }
            if let before = filter.beforeID { query = query.where(SQLColumn("id", table: "k"), .lessThan, SQLBind(before)) }
            query = viewer.access.restrictCalls(query, table: "k")
            return try await storedCalls(query.limit(max(1, min(filter.limit, 1000))), in: sql)
        }
    }

    /// Throws not-found unless the customer exists and `viewer` may see it.
    public func requireCustomer(_ id: Int, visibleTo viewer: User) async throws {
        let found = try await database.withConnection { sql in
            try await viewer.access.restrictCustomers(sql.select().column("id").from("customers").where("id", .equal, id)).first() != nil
        }
        guard found else { throw CRMError.notFound(entity: "customer", id: "\(id)") }
    }

    /// Calls the log still has as live for one PBX (after a restart: to resume or close them).
    public func liveCalls(pbx: String) async throws -> [StoredCall] {
        try await database.withConnection { sql in
            try await storedCalls(sql.select().where(SQLColumn("pbx", table: "k"), .equal, SQLBind(pbx))
                .where(SQLColumn("status", table: "k"), .equal, SQLBind(CallStatus.live.rawValue)), in: sql)
        }
    }

    /// Ended inbound calls of one PBX with one of `results` since `since` that have no callback task:
    /// ends whose follow-up was cut off (a crash between writing the end and filing the callback).
    public func missedCallsWithoutCallback(pbx: String, results: [CallResult], since: Date) async throws -> [StoredCall] {
        try await database.withConnection { sql in
            let callbacks = SQLSubquery.select {
                $0.column("call_id").from("tasks").where("kind", .equal, SQLBind(TaskKind.callback.rawValue)).where("call_id", .isNot, SQLLiteral.null)
            }
            return try await storedCalls(sql.select()
                .where(SQLColumn("pbx", table: "k"), .equal, SQLBind(pbx))
                .where(SQLColumn("status", table: "k"), .equal, SQLBind(CallStatus.ended.rawValue))
                .where(SQLColumn("direction", table: "k"), .equal, SQLBind(CallDirection.inbound.rawValue))
                .where(SQLColumn("result", table: "k"), .in, SQLBind.group(results.map(\.rawValue)))
                .where(SQLColumn("end_at", table: "k"), .greaterThanOrEqual, SQLBind(since))
                .where(SQLColumn("id", table: "k"), .notIn, callbacks), in: sql)
        }
    }

    static func callsOfCustomer(_ id: Int) -> some SQLExpression {
        SQLSubquery.select { $0.column("call_id").from("call_customers").where("customer_id", .equal, SQLBind(id)) }
    }

    private static func callsOfAgent(_ userID: Int) -> some SQLExpression {
        SQLSubquery.select { $0.column("call_id").from("call_agents").where("user_id", .equal, SQLBind(userID)) }
    }

    /// Completes `query` (its filters) into full call records, newest first.
    private func storedCalls(_ query: SQLSelectBuilder, in sql: any SQLDatabase) async throws -> [StoredCall] {
        struct Row: Decodable {
            let id: Int, pbx: String, linkedid: String, direction: CallDirection, caller: String?, callee: String?
            let externalName: String?, queue: String?, agentId: Int?, agentsRung: String?
            let ringAt: Date?, answerAt: Date?, endAt: Date?, lastSeenAt: Date?, result: CallResult?, hangupCause: Int?
            let queuePosition: Int?, holdTime: Int?, talkTime: Int?, recording: String?, taskId: Int?, status: CallStatus, endedBy: CallEndSource?
        }
        struct Link: Decodable { let callId: Int; let otherId: Int }
        let columns = ["id", "pbx", "linkedid", "direction", "caller", "callee", "external_name", "queue", "agent_id", "agents_rung",
                       "ring_at", "answer_at", "end_at", "last_seen_at", "result", "hangup_cause", "queue_position", "hold_time", "talk_time", "recording",
                       "task_id", "status", "ended_by"]
        var select = query.from(SQLAlias(SQLIdentifier("calls"), as: SQLIdentifier("k")))
        for column in columns { select = select.column(SQLColumn(column, table: "k")) }
        let rows = try await select.orderBy(SQLOrderBy(expression: SQLColumn("id", table: "k"), direction: SQLDirection.descending))
            .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        guard !rows.isEmpty else { return [] }
        let ids = rows.map(\.id)
        let customers = try await sql.select().column("call_id").column("customer_id", as: "other_id").from("call_customers")
            .where("call_id", .in, ids).orderBy("customer_id")
            .all(decoding: Link.self, keyDecodingStrategy: .convertFromSnakeCase)
        let agents = try await sql.select().column("call_id").column("user_id", as: "other_id").from("call_agents")
            .where("call_id", .in, ids).orderBy("seq")
            .all(decoding: Link.self, keyDecodingStrategy: .convertFromSnakeCase)
        let interactions = try await sql.select().column("call_id").column("id", as: "other_id").from("interactions")
            .where("call_id", .in, ids).orderBy("id")
            .all(decoding: Link.self, keyDecodingStrategy: .convertFromSnakeCase)
        let customersOf = Dictionary(grouping: customers, by: \.callId)
        let agentsOf = Dictionary(grouping: agents, by: \.callId)
        let interactionsOf = Dictionary(grouping: interactions, by: \.callId)
        return rows.map { row in
            StoredCall(id: row.id, pbx: row.pbx, linkedID: row.linkedid, direction: row.direction, caller: row.caller,
                       callee: row.callee, externalName: row.externalName, queue: row.queue, agentID: row.agentId,
                       agentIDs: (agentsOf[row.id] ?? []).map(\.otherId),
                       agentsRung: row.agentsRung.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? [],
                       ringAt: row.ringAt, answerAt: row.answerAt, endAt: row.endAt, lastSeenAt: row.lastSeenAt, result: row.result,
                       hangupCause: row.hangupCause, queuePosition: row.queuePosition, holdTime: row.holdTime, talkTime: row.talkTime, recording: row.recording,
                       taskID: row.taskId, status: row.status, endedBy: row.endedBy,
                       customerIDs: (customersOf[row.id] ?? []).map(\.otherId),
                       interactionIDs: (interactionsOf[row.id] ?? []).map(\.otherId))
        }
    }
}
