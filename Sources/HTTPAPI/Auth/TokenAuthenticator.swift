import CRM
import Hummingbird
import Logging

/// Finds the user behind the request's API token (`Authorization: Bearer …`) and runs the request in
/// their `RequestScope`; a missing, revoked or expired token gets 401 with `WWW-Authenticate`, logged
/// and counted (never the token). `?token=` is taken only where `allowsQueryToken` (WebSocket
/// upgrades: a browser cannot send headers there), and `openPaths` need no token at all.
struct TokenAuthenticator: RouterMiddleware {
    typealias Context = APIRequestContext
    let store: CRMStore
    var allowsQueryToken = false
    var openPaths: Set<String> = []
    var refusals: RefusalCounter?
    var cache: TokenCache?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let address = context.remoteAddressText
        if openPaths.contains(request.uri.path) {
            return try await RequestScope.$current.withValue(RequestScope(user: nil, address: address)) {
                try await next(request, context)
            }
        }
        guard let token = token(in: request) else {
            refusals?.refused(reason: "no token")
            context.logger.notice("request without a token refused", metadata: ["path": "\(request.uri.path)", "address": "\(address)"])
            throw APIError.unauthorized
        }
        let found: User?
        if let cache {
            found = try await cache.user(for: token) { try await store.user(forToken: $0) }
        } else {
            found = try await store.user(forToken: token)
        }
        guard let user = found else {
            refusals?.refused(reason: "unknown token")
            context.logger.notice("unknown, revoked or expired token refused", metadata: ["path": "\(request.uri.path)", "address": "\(address)"])
            throw APIError.unauthorized
        }
        var context = context
        context.user = user
        context.token = token
        context.logger[metadataKey: "user"] = "\(user.name)"
        return try await RequestScope.$current.withValue(RequestScope(user: user, address: address)) {
            try await next(request, context)
        }
    }

    private func token(in request: Request) -> String? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        return allowsQueryToken ? request.uri.queryParameters.get("token") : nil
    }
}
