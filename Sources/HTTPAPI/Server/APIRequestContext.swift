import CRM
import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// Per-request state of the CallDesk API: the authenticated user, the client's address, and the
/// WebSocket hand-over.
public struct APIRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    /// Set by `TokenAuthenticator` for every `/v1` request.
    public var user: User?
    /// The token the user came with (memory only): an event socket re-checks it while open.
    var token: String?
    let remoteAddress: SocketAddress?
    /// The connection: a refused WebSocket upgrade writes its answer on it (`UpgradeRefusalWriter`).
    let channel: any Channel

    public init(source: Source) {
        coreContext = .init(source: source)
        webSocket = .init()
        channel = source.channel
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text (`unknown` when the channel has none).
    var remoteAddressText: String { remoteAddress?.ipAddress ?? "unknown" }

    /// The signed-in user; throws 401 when there is none (the authenticator guards `/v1` already).
    func requireUser() throws -> User {
        guard let user else { throw APIError.unauthorized }
        return user
    }
}
