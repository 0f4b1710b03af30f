import CRM
import Foundation

extension CallDeskAPI {
    func listTeams(_ input: Operations.ListTeams.Input) async throws -> Operations.ListTeams.Output {
        let (user, _) = try viewer()
        let limit = try limit(input.query.limit)
        let teams = try await store.teams(visibleTo: user, afterID: try PageCursor(parsing: input.query.cursor)?.id, limit: limit)
        return .ok(.init(body: .json(.init(items: teams.map { .init($0) },
                                           nextCursor: PageCursor.next(after: teams, limit: limit) { PageCursor(id: $0.id) }))))
    }

    func createTeam(_ input: Operations.CreateTeam.Input) async throws -> Operations.CreateTeam.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let name = try field("name", body.name, maxLength: 100)
        return .created(.init(body: .json(.init(try await roleRestricted { try await store.createTeam(named: name, by: user) }))))
    }

    func renameTeam(_ input: Operations.RenameTeam.Input) async throws -> Operations.RenameTeam.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let name = try field("name", body.name, maxLength: 100)
        let team = try await roleRestricted { try await store.renameTeam(try id(input.path.id), to: name, by: user) }
        return .ok(.init(body: .json(.init(team))))
    }
}
