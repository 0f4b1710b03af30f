import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// What `recordCall` did.
    public struct RecordedCall: Sendable, Hashable {
        public let id: Int
        /// This write ended the call (it was not ended in the log before): act on the end once.
        public let endedNow: Bool
    }

    /// Writes a call's current state, merged into its row keyed by PBX and `Linkedid`.
    ///
    /// Idempotent and order-safe: a replayed or stale write never creates a second row, never reopens
    /// an ended call, and never erases a known field; a seen Hangup replaces a blind (resync or
    /// recovery) end. Two daemons sharing one PostgreSQL may write the same call at once.
    public func recordCall(_ entry: CallEntry) async throws -> RecordedCall {
        try await database.withTransaction { sql in
            let now = Date()
            let fields = Self.callFields(entry, now: now)
            var existing = try await currentState(of: entry, in: sql)
            if existing == nil {
                let inserted = try await sql.insert(into: "calls")
                    .columns(fields.map(\.column) + ["created_at"])
                    .values(fields.map { $0.value.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null } + [SQLBind(now)])
                    .ignoringConflicts(with: ["pbx", "linkedid"])
                    .returning("id").first(decodingColumn: "id", as: Int.self)
                if let inserted {
                    try await linkCustomers(entry.customerIDs, toCall: inserted, in: sql)
                    try await linkAgents(entry, toCall: inserted, in: sql)
                    return RecordedCall(id: inserted, endedNow: entry.status == .ended)
                }
                existing = try await currentState(of: entry, in: sql)
            }
            guard let existing else { throw CRMError.conflict("call \(entry.pbx)/\(entry.linkedID) vanished while being written") }
            try await linkCustomers(entry.customerIDs, toCall: existing.id, in: sql)
            try await linkAgents(entry, toCall: existing.id, in: sql)
            let wasEnded = existing.status == .ended
            if wasEnded && (entry.status == .live || existing.endedBy == .hangup || entry.endedBy != .hangup) {
                return RecordedCall(id: existing.id, endedNow: false)
            }
            var update = sql.update("calls")
            for field in fields {
                if let value = field.value { update = update.set(SQLIdentifier(field.column), to: SQLBind(value)) }
            }
            try await update.where("id", .equal, existing.id).run()
            return RecordedCall(id: existing.id, endedNow: !wasEnded && entry.status == .ended)
        }
    }

    private struct CallState: Decodable { let id: Int; let status: CallStatus; let endedBy: CallEndSource? }

    private func currentState(of entry: CallEntry, in sql: any SQLDatabase) async throws -> CallState? {
        try await sql.select().columns("id", "status", "ended_by").from("calls")
            .where("pbx", .equal, entry.pbx).where("linkedid", .equal, entry.linkedID)
            .for(.update)
            .first(decoding: CallState.self, keyDecodingStrategy: .convertFromSnakeCase)
    }

    private func linkCustomers(_ ids: [Int], toCall callID: Int, in sql: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        var insert = sql.insert(into: "call_customers").columns("call_id", "customer_id")
        for id in ids { insert = insert.values(SQLBind(callID), SQLBind(id)) }
        try await insert.ignoringConflicts(with: ["call_id", "customer_id"]).run()
    }

    /// Agents already linked keep their place; those new to the call follow in the entry's order.
    private func linkAgents(_ entry: CallEntry, toCall callID: Int, in sql: any SQLDatabase) async throws {
        var ids: [Int] = []
        for id in (entry.agentID.map { [$0] } ?? []) + entry.agentIDs where !ids.contains(id) { ids.append(id) }
        guard !ids.isEmpty else { return }
        var insert = sql.insert(into: "call_agents").columns("call_id", "user_id", "seq")
        for (index, id) in ids.enumerated() { insert = insert.values(SQLBind(callID), SQLBind(id), SQLBind(index)) }
        try await insert.ignoringConflicts(with: ["call_id", "user_id"]).run()
    }

    private typealias Field = (column: String, value: (any Encodable & Sendable)?)

    private static func callFields(_ entry: CallEntry, now: Date) -> [Field] {
        let rung = entry.agentsRung.isEmpty ? nil : String(decoding: (try? JSONEncoder().encode(entry.agentsRung)) ?? Data(), as: UTF8.self)
        return [
            ("pbx", entry.pbx), ("linkedid", entry.linkedID), ("direction", entry.direction.rawValue), ("caller", entry.caller),
            ("callee", entry.callee), ("external_name", entry.externalName), ("queue", entry.queue), ("agent_id", entry.agentID),
            ("agents_rung", rung), ("ring_at", entry.ringAt), ("answer_at", entry.answerAt), ("end_at", entry.endAt),
            ("last_seen_at", entry.lastSeenAt), ("result", entry.result?.rawValue), ("hangup_cause", entry.hangupCause),
            ("queue_position", entry.queuePosition), ("hold_time", entry.holdTime), ("talk_time", entry.talkTime), ("recording", entry.recording),
            ("task_id", entry.taskID), ("status", entry.status.rawValue), ("ended_by", entry.endedBy?.rawValue),
            ("updated_at", now),
        ]
    }
}
