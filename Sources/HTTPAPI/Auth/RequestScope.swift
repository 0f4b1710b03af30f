import CRM
import NIOCore

/// Who a request runs for and where it came from, for the spec-first handlers (which see no
/// Hummingbird context): set by `TokenAuthenticator` around each `/v1` request.
struct RequestScope: Sendable {
    /// The authenticated user; `nil` on the routes open to all (`POST /v1/login`).
    var user: User?
    /// The client's socket address (made text only when asked: most requests never ask).
    var remote: SocketAddress?

    /// The client's IP address, for slowing repeated failed logins (`unknown` when there is none).
    var address: String { remote?.ipAddress ?? "unknown" }

    @TaskLocal static var current = RequestScope(user: nil, remote: nil)

    /// The signed-in user; 401 when there is none.
    static func requireUser() throws -> User {
        guard let user = current.user else { throw APIError.unauthorized }
        return user
    }
}
