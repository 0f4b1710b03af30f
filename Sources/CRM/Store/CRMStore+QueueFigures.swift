import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// Today's answered and abandoned queue calls (rung since `start`), grouped by queue, result and
    /// seconds waited. From CallDesk's own log, so the figures survive restarts of Asterisk and CallDesk.
    public func queueDay(since start: Date, until end: Date = .distantFuture) async throws -> [QueueDayRow] {
        try await database.withConnection { sql in
            try await sql.raw("""
                SELECT queue, result, COALESCE(hold_time, 0) AS hold_time, COUNT(*) AS calls, COALESCE(SUM(talk_time), 0) AS talk_time
                FROM calls
                WHERE ring_at >= \(bind: start) AND ring_at < \(bind: end) AND queue IS NOT NULL AND result IN (\(bind: CallResult.answered.rawValue), \(bind: CallResult.abandoned.rawValue))
                GROUP BY queue, result, COALESCE(hold_time, 0)
                """).all(decoding: QueueDayRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    /// Each agent's calls taken today (answered since `start`) and their talk time in seconds, by user id.
    public func agentDay(since start: Date) async throws -> [Int: (calls: Int, talkTime: Int)] {
        struct Row: Decodable { let userId: Int; let calls: Int; let talkTime: Int }
        let rows = try await database.withConnection { sql in
            try await sql.raw("""
                SELECT ca.user_id AS user_id, COUNT(*) AS calls, COALESCE(SUM(c.talk_time), 0) AS talk_time
                FROM call_agents ca JOIN calls c ON c.id = ca.call_id
                WHERE c.answer_at >= \(bind: start)
                GROUP BY ca.user_id
                """).all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.userId, ($0.calls, $0.talkTime)) })
    }

    /// Today's abandoned queue calls, newest first, each with its callback task.
    public func abandonedCalls(since start: Date, limit: Int = 100) async throws -> [AbandonedCall] {
        try await database.withConnection { sql in
            try await sql.raw("""
                SELECT c.id AS id, c.queue AS queue, c.caller AS caller, c.ring_at AS ring_at, c.hold_time AS hold_time,
                       t.id AS task_id, t.status AS task_status
                FROM calls c LEFT JOIN tasks t ON t.call_id = c.id AND t.kind = \(bind: TaskKind.callback.rawValue)
                WHERE c.ring_at >= \(bind: start) AND c.queue IS NOT NULL AND c.result = \(bind: CallResult.abandoned.rawValue)
                ORDER BY c.ring_at DESC, c.id DESC LIMIT \(literal: max(1, min(limit, 500)))
                """).all(decoding: AbandonedCall.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }
}
