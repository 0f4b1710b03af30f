import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// The simulated PBX's Asterisk REST Interface on 127.0.0.1: REST under `/ari` and the event
/// WebSocket `/ari/events?app=…`, behind ari.conf's basic-auth users (or `?api_key=user:password`),
/// answering with the status codes and messages the captured Asterisk gives.
public struct SimulatedARIServer: Service {
    private let application: Application<RouterResponder<BasicWebSocketRequestContext>>

    /// `onRunning` learns the bound port (useful with port 0).
    public init(pbx: SimulatedPBX, host: String = "127.0.0.1", port: Int = 8088, logger: Logger = Logger(label: "calldesk.simulator.ari"),
                onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.add(middleware: ARIErrorMiddleware())
        router.add(middleware: ARIAuthMiddleware(users: pbx.configuration.ariUsers))
        let ari = router.group("ari")
        ARIRESTRoutes(pbx: pbx).register(on: ari)
        ARIEventsRoute(pbx: pbx).register(on: ari)
        application = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(host, port: port), serverName: "Asterisk/CallDesk-PBXSimulator"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    public func run() async throws {
        try await application.run()
    }
}

/// Basic auth against ari.conf's users, as Asterisk checks it; 401 with its message otherwise.
struct ARIAuthMiddleware: RouterMiddleware {
    typealias Context = BasicWebSocketRequestContext
    let users: [String: String]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let credentials = Self.credentials(request), users[credentials.user] == credentials.password else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Basic realm=\"Asterisk REST Interface\""
            headers[.contentType] = "application/json"
            return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: #"{"message":"Authentication required"}"#)))
        }
        return try await next(request, context)
    }

    static func credentials(_ request: Request) -> (user: String, password: String)? {
        var pair: String?
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
           let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)) {
            pair = String(decoding: data, as: UTF8.self)
        } else {
            pair = request.uri.queryParameters.get("api_key")
        }
        guard let parts = pair?.split(separator: ":", maxSplits: 1).map(String.init), parts.count == 2 else { return nil }
        return (parts[0], parts[1])
    }
}

/// Asterisk's error bodies: `{"message": …}` for unknown resources and refused requests.
struct ARIErrorMiddleware: RouterMiddleware {
    typealias Context = BasicWebSocketRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as SimARIError {
            return error.reply.response
        } catch let error as HTTPError where error.status == .notFound {
            return SimARIError(status: 404, message: "Resource not found").reply.response
        }
    }
}

extension SimARIReply {
    var response: Response {
        guard let body else { return Response(status: .init(code: status)) }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
