import Crypto
import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// The columns a `User` is read from.
    static let userColumns = ["id", "name", "role", "extension", "team_id", "seniority"]

    /// Creates a user and returns it with a fresh API token; only the token's SHA-256 is stored.
    public func addUser(name: String, role: UserRole, extension ext: String? = nil, team: String? = nil,
                        seniority: Int = 0, devices: [String] = [], actor: Int? = nil) async throws -> (user: User, token: String) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CRMError.invalidInput(field: "name", value: name, reason: "must not be empty") }
        if let ext, !(ext.allSatisfy(\.isASCIIDigit) && (2...8).contains(ext.count)) {
            throw CRMError.invalidInput(field: "extension", value: ext, reason: "expected 2–8 digits, e.g. 1001")
        }
        let (user, token) = try await database.withTransaction { sql in
            if try await userID(named: trimmed, in: sql) != nil {
                throw CRMError.conflict("a user named '\(trimmed)' already exists")
            }
            if let ext, try await sql.select().column("id").from("users").where("extension", .equal, ext).first() != nil {
                throw CRMError.conflict("extension \(ext) already belongs to another user")
            }
            let teamID = try await team.asyncMap { try await ensureTeam(named: $0, in: sql) }
            let now = Date()
            let id = try await sql.insert(into: "users")
                .columns("name", "role", "extension", "team_id", "seniority", "device_patterns", "created_at")
                .values(SQLBind(trimmed), SQLBind(role.rawValue), SQLBind(ext), SQLBind(teamID), SQLBind(seniority),
                        SQLBind(devices.isEmpty ? nil : devices.joined(separator: ",")), SQLBind(now))
                .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
            let (token, _) = try await issueToken(userID: id, label: "cli", lifetime: nil, now: now, in: sql)
            try await audit(sql, actor: actor, action: "create", entity: "user", entityID: id,
                            details: ["after.name": trimmed, "after.role": role.rawValue, "after.team": team ?? "",
                                      "after.devices": devices.joined(separator: ",")])
            return (User(id: id, name: trimmed, role: role, extension: ext, teamID: teamID, seniority: seniority), token)
        }
        logger.info("user added", metadata: ["user": "\(user.name)", "role": "\(role.rawValue)"])
        return (user, token)
    }

    /// The user with this exact name.
    public func user(named name: String) async throws -> User? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.userColumns).from("users")
                .where("name", .equal, name)
                .first(decoding: User.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    /// Every user, ordered by id.
    public func users() async throws -> [User] {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.userColumns).from("users")
                .orderBy("id").all(decoding: User.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    func userID(named name: String, in sql: any SQLDatabase) async throws -> Int? {
        try await sql.select().column("id").from("users").where("name", .equal, name).first(decodingColumn: "id", as: Int.self)
    }

    /// The id of the user with this name, created as an agent without a token when missing.
    func ensureUser(named name: String, in sql: any SQLDatabase) async throws -> Int {
        if let id = try await userID(named: name, in: sql) { return id }
        let id = try await sql.insert(into: "users")
            .columns("name", "role", "seniority", "created_at")
            .values(SQLBind(name), SQLBind(UserRole.agent.rawValue), SQLBind(0), SQLBind(Date()))
            .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
        logger.info("owner user created", metadata: ["user": "\(name)"])
        return id
    }

    func ensureTeam(named name: String, in sql: any SQLDatabase) async throws -> Int {
        if let id = try await sql.select().column("id").from("teams").where("name", .equal, name)
            .first(decodingColumn: "id", as: Int.self) { return id }
        return try await sql.insert(into: "teams").columns("name", "created_at").values(SQLBind(name), SQLBind(Date()))
            .returning("id").first(decodingColumn: "id", as: Int.self) ?? 0
    }

    static func makeToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "cdk_" + bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// The token's SHA-256 in lower-case hex, as stored (asked on every request the token cache misses).
    static func hash(token: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension CRMStore {
    /// Every enabled user with an extension or device patterns: who the PBX can ring.
    public func agentIdentities() async throws -> [AgentIdentity] {
        struct Row: Decodable { let id: Int; let name: String; let role: UserRole; let `extension`: String?; let devicePatterns: String?; let teamId: Int? }
        let rows = try await database.withConnection { sql in
            try await sql.select().columns("id", "name", "role", "extension", "device_patterns", "team_id").from("users")
                .where("disabled_at", .is, SQLLiteral.null)
                .where { $0.where("extension", .isNot, SQLLiteral.null).orWhere("device_patterns", .isNot, SQLLiteral.null) }
                .orderBy("id").all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        return rows.map { row in
            AgentIdentity(userID: row.id, name: row.name, role: row.role, extension: row.extension,
                          devicePatterns: (row.devicePatterns ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                          teamID: row.teamId)
        }
    }

    /// Sets the extra device patterns of a user (`PJSIP/alice-*`); an empty list clears them.
    public func setDevicePatterns(userID: Int, _ patterns: [String]) async throws {
        try await database.withConnection { sql in
            try await sql.update("users").set("device_patterns", to: patterns.isEmpty ? nil : patterns.joined(separator: ","))
                .where("id", .equal, userID).run()
        }
    }

    /// The device patterns and whether each of these users is disabled, for an admin's view of users.
    public func deviceSettings(of ids: [Int]) async throws -> [Int: (devices: [String], disabled: Bool)] {
        guard !ids.isEmpty else { return [:] }
        struct Row: Decodable { let id: Int; let devicePatterns: String?; let disabledAt: Date? }
        let rows = try await database.withConnection { sql in
            try await sql.select().columns("id", "device_patterns", "disabled_at").from("users").where("id", .in, ids)
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        return Dictionary(uniqueKeysWithValues: rows.map {
            ($0.id, ((($0.devicePatterns ?? "").split(separator: ",").map(String.init)), $0.disabledAt != nil))
        })
    }

    /// The user with this id.
    public func user(id: Int) async throws -> User? {
        try await database.withConnection { sql in
            try await sql.select().columns(Self.userColumns).from("users")
                .where("id", .equal, id).first(decoding: User.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }
}
