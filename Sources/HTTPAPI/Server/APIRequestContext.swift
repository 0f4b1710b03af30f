import CRM
import Hummingbird
import HummingbirdWebSocket

/// Per-request state of the CallDesk API: the authenticated user, and the WebSocket hand-over.
public struct APIRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    /// Set by `TokenAuthenticator` for every `/v1` request.
    public var user: User?

    public init(source: Source) {
        coreContext = .init(source: source)
        webSocket = .init()
    }

    /// The signed-in user; throws 401 when there is none (the authenticator guards `/v1` already).
    func requireUser() throws -> User {
        guard let user else { throw APIError.unauthorized }
        return user
    }
}
