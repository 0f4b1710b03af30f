import Foundation
import SQLKit

extension CRMStore {
    /// Teams by id after `afterID`: an admin sees every team, anyone else their own.
    public func teams(visibleTo viewer: User, afterID: Int? = nil, limit: Int = 50) async throws -> [TeamRecord] {
        if viewer.role != .admin, viewer.teamID == nil { return [] }
        return try await database.withConnection { sql in
            let members = SQLSubquery.select {
                $0.column(SQLFunction("COUNT", args: SQLLiteral.all)).from("users")
                    .where(SQLColumn("team_id", table: "users"), .equal, SQLColumn("id", table: "teams"))
                    .where(SQLColumn("disabled_at", table: "users"), .is, SQLLiteral.null)
            }
            var select = sql.select().column(SQLColumn("id", table: "teams")).column(SQLColumn("name", table: "teams"))
                .column(SQLAlias(members, as: SQLIdentifier("members"))).from("teams")
            if let afterID { select = select.where(SQLColumn("id", table: "teams"), .greaterThan, SQLBind(afterID)) }
            if viewer.role != .admin, let team = viewer.teamID { select = select.where(SQLColumn("id", table: "teams"), .equal, SQLBind(team)) }
            return try await select.orderBy(SQLColumn("id", table: "teams")).limit(max(1, min(limit, 500))).all(decoding: TeamRecord.self)
        }
    }

    /// Adds a team (admins only); audited.
    public func createTeam(named name: String, by actor: User) async throws -> TeamRecord {
        guard actor.role == .admin else { throw CRMError.forbidden("teams are added by admins") }
        let name = try teamName(name)
        return try await database.withTransaction { sql in
            if try await sql.select().column("id").from("teams").where("name", .equal, name).first() != nil {
                throw CRMError.conflict("a team named '\(name)' already exists")
            }
            let id = try await ensureTeam(named: name, in: sql)
            try await audit(sql, actor: actor.id, action: "create", entity: "team", entityID: id, details: ["after.name": name])
            return TeamRecord(id: id, name: name, members: 0)
        }
    }

    /// Renames a team (admins only); audited with before and after. Its queue is named like it.
    public func renameTeam(_ id: Int, to name: String, by actor: User) async throws -> TeamRecord {
        guard actor.role == .admin else { throw CRMError.forbidden("teams are renamed by admins") }
        let name = try teamName(name)
        try await database.withTransaction { sql in
            guard let before = try await sql.select().column("name").from("teams").where("id", .equal, id).first(decodingColumn: "name", as: String.self) else {
                throw CRMError.notFound(entity: "team", id: "\(id)")
            }
            guard before != name else { return }
            if try await sql.select().column("id").from("teams").where("name", .equal, name).first() != nil {
                throw CRMError.conflict("a team named '\(name)' already exists")
            }
            try await sql.update("teams").set("name", to: name).where("id", .equal, id).run()
            try await audit(sql, actor: actor.id, action: "rename", entity: "team", entityID: id, details: ["before.name": before, "after.name": name])
        }
        guard let team = try await teams(visibleTo: actor, afterID: id - 1, limit: 1).first, team.id == id else {
            throw CRMError.notFound(entity: "team", id: "\(id)")
        }
        return team
    }

    private func teamName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CRMError.invalidInput(field: "name", value: name, reason: "must not be empty") }
        return trimmed
    }
}
