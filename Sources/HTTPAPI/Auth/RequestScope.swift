import CRM

/// Who a request runs for and where it came from, for the spec-first handlers (which see no
/// Hummingbird context): set by `TokenAuthenticator` around each `/v1` request.
struct RequestScope: Sendable {
    /// The authenticated user; `nil` on the routes open to all (`POST /v1/login`).
    var user: User?
    /// The client's address, for slowing repeated failed logins.
    var address: String

    @TaskLocal static var current = RequestScope(user: nil, address: "unknown")

    /// The signed-in user; 401 when there is none.
    static func requireUser() throws -> User {
        guard let user = current.user else { throw APIError.unauthorized }
        return user
    }
}
