import CRM
import Foundation
import OpenAPIRuntime
import Workflows

extension CallDeskAPI {
    /// The largest upload taken by `POST /v1/imports` (413 above).
    static let importLimit = 32 * 1024 * 1024

    func startImport(_ input: Operations.StartImport.Input) async throws -> Operations.StartImport.Output {
        let (user, _) = try viewer()
        guard user.role != .agent else { throw APIError(.forbidden, code: "forbidden", message: "imports are for supervisors and admins") }
        guard let imports else { throw APIError(.serviceUnavailable, code: "unavailable", message: "this server does not run imports") }
        guard case .csv(let body) = input.body else { throw APIError.badField("body", "must be a CSV file (text/csv)") }
        let contents = try await Data(collecting: body, upTo: Self.importLimit)
        guard !contents.isEmpty else { throw APIError.badField("body", "is empty: send the CSV file as the request body") }
        let options = ImportQueue.Options(defaultOwner: try input.query.defaultOwner.map { try text("defaultOwner", $0, maxLength: 100) },
                                          createOwners: input.query.createOwners ?? false,
                                          encoding: input.query.encoding.flatMap { TextEncoding(name: $0.rawValue) },
                                          poolTeamID: try await poolTeam(input.query.poolTeam, for: user))
        let fileName = try input.query.fileName.map { try text("fileName", $0, maxLength: 200) } ?? "upload.csv"
        let record = try await imports.submit(fileName: fileName, contents: contents, options: options, by: user)
        return .accepted(.init(body: .json(try .init(record))))
    }

    /// The team whose pool takes an import's rows without an owner: the one named (a supervisor may
    /// name only their own), else the supervisor's team, else (an admin) the centre's pool.
    private func poolTeam(_ name: String?, for user: User) async throws -> Int? {
        guard let name = try name.map({ try text("poolTeam", $0, maxLength: 100) }) else {
            return user.role == .supervisor ? user.teamID : nil
        }
        guard let team = try await store.teamID(named: name), user.role == .admin || team == user.teamID else {
            throw APIError.badParameter("poolTeam", name, expected: user.role == .admin ? "the name of a team" : "the name of your team")
        }
        return team
    }

    func getImport(_ input: Operations.GetImport.Input) async throws -> Operations.GetImport.Output {
        let (user, _) = try viewer()
        return .ok(.init(body: .json(try .init(try await store.importRecord(try id(input.path.id), visibleTo: user)))))
    }

    func getImportRejects(_ input: Operations.GetImportRejects.Input) async throws -> Operations.GetImportRejects.Output {
        let (user, _) = try viewer()
        let rejects = try await store.importRejects(try id(input.path.id), visibleTo: user)
        return .ok(.init(body: .csv(HTTPBody(rejects))))
    }
}
