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
    /// Disabling a user who still holds customers, leads or open tasks moves them all to this colleague, in one step.
    public var handoverTo: Int?
    /// …or to their team's pool (公海), when no colleague is named.
    public var handoverToPool: Bool

    public init(role: UserRole? = nil, team: String? = nil, seniority: Int? = nil, extension: String? = nil, disabled: Bool? = nil,
                devices: [String]? = nil, handoverTo: Int? = nil, handoverToPool: Bool = false) {
        self.handoverTo = handoverTo
        self.handoverToPool = handoverToPool
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
            // A row with no date is an active user: `first` gives `.some(nil)` for it, so flatten before asking.
            (try await sql.select().column("disabled_at").from("users").where("id", .equal, userID)
                .first(decodingColumn: "disabled_at", as: Date?.self) ?? nil) != nil
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
                if disabled {
                    try await handOver(from: id, to: change.handoverTo, toPool: change.handoverToPool, team: before.teamId, by: actor, in: sql)
                }
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

    /// Nothing stays with a person who is gone: a leaving user's customers (with their leads) and
    /// open tasks move in one step to `colleague`, who is told, or to their team's pool; audited with
    /// the counts. With neither, a user who still holds anything is not disabled.
    private func handOver(from leaving: Int, to colleague: Int?, toPool: Bool, team: Int?, by actor: User, in sql: any SQLDatabase) async throws {
        func count(_ table: String, _ filter: (SQLSelectBuilder) -> SQLSelectBuilder) async throws -> Int {
            try await filter(sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).where("owner_id", .equal, leaving))
                .first(decodingColumn: "n", as: Int.self) ?? 0
        }
        let customers = try await count("customers") { $0.where("merged_into", .is, SQLLiteral.null) }
        let leads = try await count("leads") { $0.where("closed_at", .is, SQLLiteral.null) }
        let tasks = try await count("tasks") { $0.where("status", .equal, TaskStatus.open.rawValue) }
        guard customers + leads + tasks > 0 else { return }
        if colleague == nil, toPool {
            let now = Date()
            let held = try await sql.select().column("id").from("customers").where("owner_id", .equal, leaving)
                .where("merged_into", .is, SQLLiteral.null).orderBy("id").all(decodingColumn: "id", as: Int.self)
            for customer in held {
                try await moveToPool(customer, from: leaving, pool: .team, teamID: team, kind: .handover, by: actor.id,
                                     reason: "owner left", now: now, in: sql)
            }
            try await sql.update("leads").set("owner_id", to: SQLLiteral.null).where("owner_id", .equal, leaving).run()
            try await sql.update("tasks").set("owner_id", to: SQLLiteral.null).set("team_id", to: team).set("updated_at", to: now)
                .where("owner_id", .equal, leaving).where("status", .equal, TaskStatus.open.rawValue).run()
            try await audit(sql, actor: actor.id, action: "handover", entity: "user", entityID: leaving,
                            details: ["to": "pool", "team": team.map(String.init) ?? "centre", "customers": "\(customers)", "leads": "\(leads)", "tasks": "\(tasks)"])
            return
        }
        guard let colleague else {
            throw CRMError.invalidInput(field: "handoverTo", value: "",
                                        reason: "they still hold \(customers) customers, \(leads) open leads and \(tasks) open tasks: name the colleague who takes them over, or hand them to the team pool (handoverToPool)")
        }
        guard colleague != leaving, try await sql.select().column("id").from("users").where("id", .equal, colleague)
            .where("disabled_at", .is, SQLLiteral.null).first() != nil else {
            throw CRMError.invalidInput(field: "handoverTo", value: "\(colleague)", reason: "is not another active user")
        }
        let held = try await sql.select().column("id").from("customers").where("owner_id", .equal, leaving)
            .where("merged_into", .is, SQLLiteral.null).orderBy("id").all(decodingColumn: "id", as: Int.self)
        for customer in held {
            try await recordMove(OwnerMove(customerID: customer, kind: .handover, from: leaving, to: colleague, by: actor.id, reason: "owner left"), in: sql)
        }
        try await sql.update("customers").set("owner_id", to: colleague).set("updated_at", to: Date()).where("owner_id", .equal, leaving).run()
        try await sql.update("leads").set("owner_id", to: colleague).where("owner_id", .equal, leaving).run()
        try await sql.update("tasks").set("owner_id", to: colleague).where("owner_id", .equal, leaving)
            .where("status", .equal, TaskStatus.open.rawValue).run()
        try await audit(sql, actor: actor.id, action: "handover", entity: "user", entityID: leaving,
                        details: ["to": "\(colleague)", "customers": "\(customers)", "leads": "\(leads)", "tasks": "\(tasks)"])
        try await notify(colleague, .reassigned, entity: "user", id: leaving, customerID: nil,
                         message: "同事离职交接：\(customers) 位客户、\(leads) 条线索、\(tasks) 个待办已转给你", in: sql)
    }
}
