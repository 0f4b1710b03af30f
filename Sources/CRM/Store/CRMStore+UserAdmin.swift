import Foundation
import SQLKit
import Vocabulary

/// A change to a user by an admin; `nil` fields stay as they are.
public struct UserChange: Sendable, Hashable {
    public var role: UserRole?
    public var team: String?
    public var seniority: Int?
    public var `extension`: String?
    public var disabled: Bool?
    /// Replaces the device patterns besides the extension; empty clears them.
    public var devices: [String]?

    public init(role: UserRole? = nil, team: String? = nil, seniority: Int? = nil, extension: String? = nil, disabled: Bool? = nil,
                devices: [String]? = nil) {
        self.role = role
        self.team = team
        self.seniority = seniority
        self.extension = `extension`
        self.disabled = disabled
        self.devices = devices
    }
}

extension CRMStore {
    /// Users `viewer` may list: an admin everyone, a supervisor their team; by id, after `afterID`.
    public func users(visibleTo viewer: User, afterID: Int? = nil, limit: Int = 50) async throws -> [User] {
        try await database.withConnection { sql in
            var select = sql.select().columns(Self.userColumns).from("users")
            if let afterID { select = select.where("id", .greaterThan, afterID) }
            if let users = viewer.access.reachableUsers() { select = select.where("id", .in, users) }
            return try await select.orderBy("id").limit(max(1, min(limit, 500)))
                .all(decoding: User.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }

    /// Whether the user with this id is disabled.
    public func isDisabled(userID: Int) async throws -> Bool {
        try await database.withConnection { sql in
            try await sql.select().column("disabled_at").from("users").where("id", .equal, userID)
                .first(decodingColumn: "disabled_at", as: Date?.self) != nil
        }
    }

    /// Changes a user's role, team, seniority, extension or whether they are disabled; an admin's
    /// write, audited with before and after. Disabling ends their tokens' use at once.
    public func changeUser(_ id: Int, _ change: UserChange, by actor: User) async throws -> User {
        guard actor.role == .admin else { throw CRMError.notFound(entity: "user", id: "\(id)") }
        if let ext = change.extension, !ext.isEmpty, !(ext.allSatisfy(\.isASCIIDigit) && (2...8).contains(ext.count)) {
            throw CRMError.invalidInput(field: "extension", value: ext, reason: "expected 2–8 digits, e.g. 1001")
        }
        if let seniority = change.seniority, !(0...10).contains(seniority) {
            throw CRMError.invalidInput(field: "seniority", value: "\(seniority)", reason: "expected 0 to 10")
        }
        try await database.withTransaction { sql in
            struct Row: Decodable {
                let role: UserRole; let teamId: Int?; let seniority: Int; let `extension`: String?; let disabledAt: Date?; let devicePatterns: String?
            }
            guard let before = try await sql.select().columns("role", "team_id", "seniority", "extension", "disabled_at", "device_patterns").from("users")
                .where("id", .equal, id).first(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase) else {
                throw CRMError.notFound(entity: "user", id: "\(id)")
            }
            var update = sql.update("users")
            var details: [String: String] = [:]
            func note(_ key: String, _ old: String, _ new: String) {
                guard old != new else { return }
                details["before.\(key)"] = old
                details["after.\(key)"] = new
            }
            if let role = change.role {
                update = update.set("role", to: role.rawValue)
                note("role", before.role.rawValue, role.rawValue)
            }
            if let team = change.team {
                let teamID = team.isEmpty ? nil : try await ensureTeam(named: team, in: sql)
                update = update.set("team_id", to: teamID)
                note("team", before.teamId.map(String.init) ?? "", teamID.map(String.init) ?? "")
            }
            if let seniority = change.seniority {
                update = update.set("seniority", to: seniority)
                note("seniority", "\(before.seniority)", "\(seniority)")
            }
            if let ext = change.extension {
                if !ext.isEmpty, try await sql.select().column("id").from("users").where("extension", .equal, ext).where("id", .notEqual, id).first() != nil {
                    throw CRMError.conflict("extension \(ext) already belongs to another user")
                }
                update = update.set("extension", to: ext.isEmpty ? nil : ext)
                note("extension", before.extension ?? "", ext)
            }
            if let disabled = change.disabled {
                update = update.set("disabled_at", to: disabled ? (before.disabledAt ?? Date()) : nil)
                note("disabled", before.disabledAt == nil ? "false" : "true", disabled ? "true" : "false")
            }
            if let devices = change.devices {
                let joined = devices.joined(separator: ",")
                update = update.set("device_patterns", to: joined.isEmpty ? nil : joined)
                note("devices", before.devicePatterns ?? "", joined)
            }
            guard !details.isEmpty else { return }
            try await update.where("id", .equal, id).run()
            try await audit(sql, actor: actor.id, action: "update", entity: "user", entityID: id, details: details)
        }
        guard let user = try await user(id: id) else { throw CRMError.notFound(entity: "user", id: "\(id)") }
        return user
    }
}
