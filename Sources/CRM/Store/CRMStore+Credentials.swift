import Crypto
import Foundation
import NIOPosix
import SQLKit

extension CRMStore {
    /// A new API token for `userID`; only its SHA-256 is stored. `lifetime` `nil`: until revoked. Audited (never the value).
    public func issueToken(userID: Int, label: String, lifetime: Duration?, now: Date = Date()) async throws -> (token: String, info: TokenInfo) {
        try await database.withTransaction { sql in
            let issued = try await issueToken(userID: userID, label: label, lifetime: lifetime, now: now, in: sql)
            try await audit(sql, actor: userID, action: "issue", entity: "api_token", entityID: issued.info.id,
                            details: ["user": "\(userID)", "label": label])
            return issued
        }
    }

    func issueToken(userID: Int, label: String, lifetime: Duration?, now: Date, in sql: any SQLDatabase) async throws -> (token: String, info: TokenInfo) {
        let token = Self.makeToken()
        let expires = lifetime.map { now.addingTimeInterval(TimeInterval($0.components.seconds)) }
        let id = try await sql.insert(into: "api_tokens")
            .columns("user_id", "token_hash", "label", "created_at", "expires_at")
            .values(SQLBind(userID), SQLBind(Self.hash(token: token)), SQLBind(label), SQLBind(now), SQLBind(expires))
            .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
        return (token, TokenInfo(id: id, userID: userID, label: label, createdAt: now, expiresAt: expires, revokedAt: nil))
    }

    /// The user holding this API token, if the token is neither revoked nor expired and the user not disabled.
    public func user(forToken token: String, now: Date = Date()) async throws -> User? {
        if let reader = database.reader { return try reader.user(forTokenHash: Self.hash(token: token), now: now) }
        return try await database.withConnection { sql in
            try await sql.select().columns(Self.userColumns.map { SQLColumn($0, table: "u") })
                .from(SQLAlias(SQLIdentifier("api_tokens"), as: SQLIdentifier("t")))
                .join(SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")), on: SQLColumn("id", table: "u"), .equal, SQLColumn("user_id", table: "t"))
                .where(SQLColumn("token_hash", table: "t"), .equal, SQLBind(Self.hash(token: token)))
                .where(SQLColumn("revoked_at", table: "t"), .is, SQLLiteral.null)
                .where { $0.where(SQLColumn("expires_at", table: "t"), .is, SQLLiteral.null).orWhere(SQLColumn("expires_at", table: "t"), .greaterThan, SQLBind(now)) }
                .where(SQLColumn("disabled_at", table: "u"), .is, SQLLiteral.null)
                .first(decoding: User.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    /// Of `tokens`, those that still work (not revoked, not expired, their user not disabled), with
    /// their user's id: one query for every open event socket's check.
    public func tokenHolders(_ tokens: Set<String>, now: Date = Date()) async throws -> [String: Int] {
        guard !tokens.isEmpty else { return [:] }
        let byHash = Dictionary(tokens.map { (Self.hash(token: $0), $0) }, uniquingKeysWith: { first, _ in first })
        let rows = try await database.withConnection { sql in
            try await sql.select().column(SQLColumn("token_hash", table: "t")).column(SQLColumn("user_id", table: "t"))
                .from(SQLAlias(SQLIdentifier("api_tokens"), as: SQLIdentifier("t")))
                .join(SQLAlias(SQLIdentifier("users"), as: SQLIdentifier("u")), on: SQLColumn("id", table: "u"), .equal, SQLColumn("user_id", table: "t"))
                .where(SQLColumn("token_hash", table: "t"), .in, SQLBind.group(Array(byHash.keys)))
                .where(SQLColumn("revoked_at", table: "t"), .is, SQLLiteral.null)
                .where { $0.where(SQLColumn("expires_at", table: "t"), .is, SQLLiteral.null).orWhere(SQLColumn("expires_at", table: "t"), .greaterThan, SQLBind(now)) }
                .where(SQLColumn("disabled_at", table: "u"), .is, SQLLiteral.null)
                .all(decoding: TokenHolder.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        return Dictionary(rows.compactMap { row in byHash[row.tokenHash].map { ($0, row.userId) } }, uniquingKeysWith: { first, _ in first })
    }

    private struct TokenHolder: Decodable {
        let tokenHash: String
        let userId: Int
    }

    /// A user's tokens, newest first, without their values.
    public func tokens(userID: Int) async throws -> [TokenInfo] {
        try await database.withConnection { sql in
            try await sql.select().columns("id", "user_id", "label", "created_at", "expires_at", "revoked_at").from("api_tokens")
                .where("user_id", .equal, userID).orderBy("id", .descending)
                .all(decoding: TokenInfo.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    /// Revokes one of `userID`'s tokens (audited); a token of someone else's is not found.
    public func revokeToken(id: Int, userID: Int, actor: Int?) async throws {
        try await database.withTransaction { sql in
            guard try await sql.select().column("id").from("api_tokens").where("id", .equal, id).where("user_id", .equal, userID)
                .where("revoked_at", .is, SQLLiteral.null).first() != nil else {
                throw CRMError.notFound(entity: "token", id: "\(id)")
            }
            try await sql.update("api_tokens").set("revoked_at", to: Date()).where("id", .equal, id).run()
            try await audit(sql, actor: actor, action: "revoke", entity: "api_token", entityID: id, details: ["user": "\(userID)"])
        }
    }

    /// Sets a user's login password (scrypt), audited without the password.
    public func setPassword(userID: Int, to password: String, actor: Int?, parameters: PasswordHash.Parameters = .init()) async throws {
        guard password.count >= 8 else {
            throw CRMError.invalidInput(field: "password", value: "", reason: "must be at least 8 characters")
        }
        let hash = try await Self.offCooperativePool { try PasswordHash(hashing: password, parameters: parameters) }
        try await database.withTransaction { sql in
            guard try await sql.select().column("id").from("users").where("id", .equal, userID).first() != nil else {
                throw CRMError.notFound(entity: "user", id: "\(userID)")
            }
            try await sql.update("users").set("password_hash", to: hash.encoded).where("id", .equal, userID).run()
            try await audit(sql, actor: actor, action: "set_password", entity: "user", entityID: userID, details: [:])
        }
    }

    /// The enabled user with this name and password, else `nil`; as slow for an unknown name as for a wrong password.
    public func user(named name: String, password: String) async throws -> User? {
        struct Row: Decodable { let id: Int; let passwordHash: String? }
        let row = try await database.withConnection { sql in
            try await sql.select().columns("id", "password_hash").from("users")
                .where("name", .equal, name).where("disabled_at", .is, SQLLiteral.null)
                .first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        let encoded = row?.passwordHash
        let verified = try await Self.offCooperativePool { PasswordHash(encoded: encoded ?? Self.decoyHash).verify(password) }
        guard verified, let row, row.passwordHash != nil else { return nil }
        return try await user(id: row.id)
    }

    /// Runs scrypt (about 0.1 s of CPU) on NIO's pool for blocking work: Swift's cooperative threads,
    /// which every request and the call log share, must not stall behind a login.
    private static func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive { try work() }
    }

    /// Verified when the name is unknown, so that a miss costs what a wrong password costs.
    private static let decoyHash = (try? PasswordHash(hashing: "decoy-\(UUID())").encoded) ?? ""
}

extension CRMStore {
    /// Whose token this is (revoked or not); `nil` when there is no such token.
    public func tokenOwner(id: Int) async throws -> Int? {
        try await database.withConnection { sql in
            try await sql.select().column("user_id").from("api_tokens").where("id", .equal, id).first(decodingColumn: "user_id", as: Int.self)
        }
    }
}

extension CRMStore {
    /// Revokes the token with this value (a page signing out); audited.
    public func revokeToken(value token: String, actor: Int?) async throws {
        try await database.withTransaction { sql in
            guard let id = try await sql.select().column("id").from("api_tokens").where("token_hash", .equal, Self.hash(token: token))
                .where("revoked_at", .is, SQLLiteral.null).first(decodingColumn: "id", as: Int.self) else { return }
            try await sql.update("api_tokens").set("revoked_at", to: Date()).where("id", .equal, id).run()
            try await audit(sql, actor: actor, action: "revoke", entity: "api_token", entityID: id, details: ["by": "sign out"])
        }
    }
}
