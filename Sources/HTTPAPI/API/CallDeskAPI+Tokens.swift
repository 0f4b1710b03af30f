import CRM
import Foundation

extension CallDeskAPI {
    func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        let (user, _) = try viewer()
        let limit = try limit(input.query.limit)
        let owner = try input.query.userId.map { try id($0) } ?? user.id
        // Another user's tokens are an admin's to list; to anyone else that user does not exist.
        guard owner == user.id || user.role == .admin else { throw CRMError.notFound(entity: "user", id: "\(owner)") }
        let before = try PageCursor(parsing: input.query.cursor)?.id
        let tokens = Array(try await store.tokens(userID: owner).filter { token in before.map { token.id < $0 } ?? true }.prefix(limit))
        return .ok(.init(body: .json(.init(items: tokens.map { .init($0) },
                                           nextCursor: PageCursor.next(after: tokens, limit: limit) { PageCursor(id: $0.id) }))))
    }

    func issueToken(_ input: Operations.IssueToken.Input) async throws -> Operations.IssueToken.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let label = try field("label", body.label, maxLength: 100)
        guard (1...8760).contains(body.hours ?? 1) else { throw APIError.badField("hours", "must be 1 to 8760") }
        let lifetime = body.hours.map { Duration.seconds($0 * 3600) } ?? settings.loginTokenLifetime
        let (token, info) = try await store.issueToken(userID: user.id, label: label, lifetime: lifetime)
        logger.info("token issued", metadata: ["user": "\(user.id)", "token_id": "\(info.id)"])
        return .created(.init(body: .json(.init(token: token, info: .init(info)))))
    }

    func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        let (user, _) = try viewer()
        let tokenID = try id(input.path.id)
        guard let owner = try await store.tokenOwner(id: tokenID), owner == user.id || user.role == .admin else {
            throw CRMError.notFound(entity: "token", id: "\(tokenID)")
        }
        try await store.revokeToken(id: tokenID, userID: owner, actor: user.id)
        return .noContent(.init())
    }
}
