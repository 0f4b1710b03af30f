import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    static let notificationColumns = ["id", "user_id", "kind", "entity", "entity_id", "customer_id", "message", "created_at", "read_at"]

    /// Tells `userID` something, in the caller's transaction (so it is written with what it tells of).
    func notify(_ userID: Int, _ kind: NotificationKind, entity: String, id entityID: Int, customerID: Int?, message: String,
                in sql: any SQLDatabase) async throws {
        try await sql.insert(into: "notifications")
            .columns("user_id", "kind", "entity", "entity_id", "customer_id", "message", "created_at")
            .values(SQLBind(userID), SQLBind(kind.rawValue), SQLBind(entity), SQLBind(entityID), SQLBind(customerID), SQLBind(message), SQLBind(Date()))
            .run()
    }

    /// The active supervisors of `userID`'s team (who decide their requests and hear of their escalations).
    func supervisors(of userID: Int, in sql: any SQLDatabase) async throws -> [Int] {
        guard let team = try await sql.select().column("team_id").from("users").where("id", .equal, userID)
            .first(decodingColumn: "team_id", as: Int?.self) ?? nil else { return [] }
        return try await supervisors(ofTeam: team, in: sql)
    }

    func supervisors(ofTeam team: Int, in sql: any SQLDatabase) async throws -> [Int] {
        try await sql.select().column("id").from("users").where("team_id", .equal, team).where("role", .equal, UserRole.supervisor.rawValue)
            .where("disabled_at", .is, SQLLiteral.null).orderBy("id").all(decodingColumn: "id", as: Int.self)
    }

    /// `user`'s notifications, newest first (unread only when asked), before `beforeID` for the next page.
    public func notifications(for user: User, unreadOnly: Bool = false, beforeID: Int? = nil, limit: Int = 50) async throws -> [NotificationRecord] {
        try await database.withConnection { sql in
            var select = sql.select().columns(Self.notificationColumns).from("notifications").where("user_id", .equal, user.id)
            if unreadOnly { select = select.where("read_at", .is, SQLLiteral.null) }
            if let beforeID { select = select.where("id", .lessThan, beforeID) }
            return try await select.orderBy("id", .descending).limit(max(1, min(limit, 500)))
                .all(decoding: NotificationRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    /// Marks one of `user`'s notifications read; someone else's is not found.
    public func markNotificationRead(_ id: Int, by user: User) async throws {
        try await database.withConnection { sql in
            guard try await sql.select().column("id").from("notifications").where("id", .equal, id).where("user_id", .equal, user.id).first() != nil else {
                throw CRMError.notFound(entity: "notification", id: "\(id)")
            }
            try await sql.update("notifications").set("read_at", to: Date()).where("id", .equal, id).where("read_at", .is, SQLLiteral.null).run()
        }
    }

    /// Everyone's notifications written after `afterID`, oldest first: what the live hub still has to deliver.
    public func notifications(after afterID: Int, limit: Int = 500) async throws -> [NotificationRecord] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.notificationColumns).from("notifications").where("id", .greaterThan, afterID)
                .orderBy("id").limit(limit).all(decoding: NotificationRecord.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    /// The newest notification's id (0 when there is none): where delivery starts.
    public func latestNotificationID() async throws -> Int {
        try await database.withConnection { sql in
            try await sql.select().column(SQLFunction("MAX", args: SQLColumn("id")), as: "m").from("notifications")
                .first(decodingColumn: "m", as: Int?.self) ?? nil
        } ?? 0
    }
}
