import Foundation
import SQLKit

extension CRMStore {
    /// Records that an agent's phone went on pause (or came back) on a PBX: one row per pause.
    /// An open pause of theirs on that PBX is closed first, so a missed unpause never counts twice.
    public func recordPause(userID: Int, pbx: String, paused: Bool, reason: String?, at time: Date) async throws {
        try await database.withTransaction { sql in
            try await sql.update("agent_pauses").set("ended_at", to: time)
                .where("user_id", .equal, userID).where("pbx", .equal, pbx).where("ended_at", .is, SQLLiteral.null).run()
            guard paused else { return }
            try await sql.insert(into: "agent_pauses").columns("user_id", "pbx", "reason", "started_at")
                .values(SQLBind(userID), SQLBind(pbx), SQLBind(reason), SQLBind(time)).run()
        }
    }

    /// Seconds each agent has been paused since `start` (a pause still open counts until `now`), by user id.
    public func pauseDay(since start: Date, now: Date = Date()) async throws -> [Int: Int] {
        struct Row: Decodable { let userId: Int; let startedAt: Date; let endedAt: Date? }
        let rows = try await database.withConnection { sql in
            try await sql.select().columns("user_id", "started_at", "ended_at").from("agent_pauses")
                .where { $0.where("ended_at", .is, SQLLiteral.null).orWhere("ended_at", .greaterThan, SQLBind(start)) }
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        var seconds: [Int: Int] = [:]
        for row in rows {
            let from = max(row.startedAt, start), to = min(row.endedAt ?? now, now)
            if to > from { seconds[row.userId, default: 0] += Int(to.timeIntervalSince(from)) }
        }
        return seconds
    }
}
