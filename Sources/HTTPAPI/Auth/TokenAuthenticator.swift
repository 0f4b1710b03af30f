import CRM
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Finds the user behind the request's API token (`Authorization: Bearer …`) and runs the request in
/// their `RequestScope`; a missing, revoked or expired token gets 401 with `WWW-Authenticate`, logged
/// and counted (never the token). `?token=` is taken only where `allowsQueryToken` (WebSocket
/// upgrades: a browser cannot send headers there), and `openPaths` need no token at all.
///
/// The pages send their token in the `calldesk_session` cookie (HttpOnly, SameSite=Strict). A write
/// made with the cookie must carry `X-CallDesk-CSRF: 1`, which another site's page cannot send
/// without a CORS preflight CallDesk never answers; a WebSocket opened with it must come from the
/// same origin.
struct TokenAuthenticator: RouterMiddleware {
    typealias Context = APIRequestContext
    /// The pages' session cookie.
    static let cookie = "calldesk_session"
    let store: CRMStore
    var allowsQueryToken = false
    var openPaths: Set<String> = []
    var refusals: RefusalCounter?
    var cache: TokenCache?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if openPaths.contains(request.uri.path) {
            return try await RequestScope.$current.withValue(RequestScope(user: nil, remote: context.remoteAddress)) {
                try await next(request, context)
            }
        }
        guard let (token, fromCookie) = token(in: request) else {
            refusals?.refused(reason: "no token")
            context.logger.notice("request without a token refused", metadata: ["path": "\(request.uri.path)", "address": "\(context.remoteAddressText)"])
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
            context.logger.notice("unknown, revoked or expired token refused", metadata: ["path": "\(request.uri.path)", "address": "\(context.remoteAddressText)"])
            throw APIError.unauthorized
        }
        if fromCookie { try Self.checkSameOrigin(request) }
        var context = context
        context.user = user
        context.token = token
        return try await RequestScope.$current.withValue(RequestScope(user: user, remote: context.remoteAddress)) {
            try await next(request, context)
        }
    }

    /// The token and whether it came from the session cookie.
    private func token(in request: Request) -> (String, Bool)? {
        if let header = request.headers[.authorization], let token = Self.bearer(header) { return (token, false) }
        if allowsQueryToken, let token = request.uri.queryParameters.get("token") { return (String(token), false) }
        return Self.sessionCookie(in: request).map { ($0, true) }
    }

    /// The token of an `Authorization: Bearer <token>` value (the scheme in any case, blanks around
    /// the token ignored); read on every request, so without Foundation's character sets.
    static func bearer(_ header: String) -> String? {
        let scheme = "bearer "
        guard header.utf8.count > scheme.utf8.count,
              zip(header.utf8, scheme.utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        let isBlank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        let token = header.utf8.dropFirst(scheme.utf8.count).drop(while: isBlank)
        let end = token.lastIndex { !isBlank($0) }.map(token.index(after:)) ?? token.startIndex
        return String(Substring(token[..<end]))
    }

    static func sessionCookie(in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0] == cookie, !parts[1].isEmpty { return String(parts[1]) }
            }
        }
        return nil
    }

    /// A cookie-borne request that changes something must show it comes from a CallDesk page.
    private static func checkSameOrigin(_ request: Request) throws {
        if let origin = request.headers[.origin], let url = URL(string: origin), let host = url.host(percentEncoded: false),
           host + (url.port.map { ":\($0)" } ?? "") != request.head.authority {
            throw APIError(.forbidden, code: "cross_site", message: "a session cookie is taken only from CallDesk's own pages")
        }
        if ![.get, .head].contains(request.method), request.headers[csrfHeader] != "1" {
            throw APIError(.forbidden, code: "csrf", message: "a page's write must carry X-CallDesk-CSRF: 1")
        }
    }

    static let csrfHeader = HTTPField.Name("X-CallDesk-CSRF")!
}
