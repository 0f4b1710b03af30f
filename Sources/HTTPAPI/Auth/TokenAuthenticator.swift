import CRM
import Hummingbird

/// Finds the user behind the request's API token (`Authorization: Bearer …`, or `?token=` where a
/// browser WebSocket cannot send headers); requests without a valid token get 401.
struct TokenAuthenticator: RouterMiddleware {
    typealias Context = APIRequestContext
    let store: CRMStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.token(in: request), let user = try await store.user(forToken: token) else {
            throw APIError.unauthorized
        }
        var context = context
        context.user = user
        context.logger[metadataKey: "user"] = "\(user.name)"
        return try await next(request, context)
    }

    static func token(in request: Request) -> String? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return String(header.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        return request.uri.queryParameters.get("token")
    }
}
