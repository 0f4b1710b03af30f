import CRM
import Foundation

extension CallDeskAPI {
    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let address = RequestScope.current.address
        if let wait = throttle.wait(name: body.name, address: address) {
            refusals.refused(reason: "login throttled")
            throw APIError(.tooManyRequests, code: "too_many_failures", message: "too many failed logins; try again in \(wait) s",
                           headers: [.retryAfter: "\(wait)"])
        }
        guard let user = try await store.user(named: body.name, password: body.password) else {
            throttle.failed(name: body.name, address: address)
            refusals.refused(reason: "bad password")
            logger.notice("login failed", metadata: ["address": "\(address)"])
            throw APIError(.unauthorized, code: "unauthorized", message: "wrong name or password",
                           headers: [.wwwAuthenticate: "Bearer realm=\"CallDesk\""])
        }
        throttle.succeeded(name: body.name)
        let (token, info) = try await store.issueToken(userID: user.id, label: "login", lifetime: settings.loginTokenLifetime)
        logger.info("login", metadata: ["user": "\(user.name)", "token": "\(info.id)"])
        return .ok(.init(body: .json(.init(token: token, expiresAt: info.expiresAt ?? .distantFuture, user: try .init(user)))))
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        .ok(.init(body: .json(try .init(try viewer().user))))
    }
}
