import CRM
import Foundation
import Vocabulary

extension CallDeskAPI {
    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let (user, _) = try viewer()
        let limit = try limit(input.query.limit)
        let users = try await store.users(visibleTo: user, afterID: try PageCursor(parsing: input.query.cursor)?.id, limit: limit)
        let settings = user.role == .admin ? try await store.deviceSettings(of: users.map(\.id)) : [:]
        return .ok(.init(body: .json(.init(items: try users.map { try .init($0, settings: settings[$0.id]) },
                                           nextCursor: PageCursor.next(after: users, limit: limit) { PageCursor(id: $0.id) }))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        let (admin, _) = try viewer()
        guard admin.role == .admin else { throw APIError(.forbidden, code: "forbidden", message: "only an admin adds users") }
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        guard let role = UserRole(rawValue: body.role.rawValue) else { throw APIError.badField("role", "must be agent, supervisor or admin") }
        let (user, _) = try await store.addUser(name: try field("name", body.name, maxLength: 100), role: role, extension: body._extension,
                                                team: try body.team.map { try field("team", $0, maxLength: 100) }, seniority: body.seniority ?? 0,
                                                devices: try devices(body.devices) ?? [], actor: admin.id)
        if let password = body.password {
            try await store.setPassword(userID: user.id, to: password, actor: admin.id, parameters: settings.passwordParameters)
        }
        return .created(.init(body: .json(try .init(user, settings: try await store.deviceSettings(of: [user.id])[user.id]))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        let (admin, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let change = UserChange(role: body.role.flatMap { UserRole(rawValue: $0.rawValue) }, team: body.team, seniority: body.seniority,
                                extension: body._extension, disabled: body.disabled, devices: try devices(body.devices),
                                handoverTo: try body.handoverTo.map(id), handoverToPool: body.handoverToPool ?? false)
        let user = try await store.changeUser(try id(input.path.id), change, by: admin)
        return .ok(.init(body: .json(try .init(user, settings: try await store.deviceSettings(of: [user.id])[user.id]))))
    }

    /// Device patterns (`PJSIP/1001-*`, `Local/13800138000@from-internal`): a technology, a slash, a resource.
    private func devices(_ raw: [String]?) throws -> [String]? {
        try raw.map { patterns in
            let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_.*@:+-")
            guard patterns.count <= 10 else { throw APIError.badField("devices", "may hold at most 10 patterns") }
            return try patterns.map { pattern in
                guard (3...80).contains(pattern.count), pattern.allSatisfy(allowed.contains), let slash = pattern.firstIndex(of: "/"),
                      slash != pattern.startIndex, pattern.index(after: slash) != pattern.endIndex else {
                    throw APIError.badField("devices", "'\(pattern.prefix(80))' is not a device pattern like PJSIP/1001-* or SIP/alice")
                }
                return pattern
            }
        }
    }
}
