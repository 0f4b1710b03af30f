import CRM
import Workflows
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// CallDesk's HTTP API and agent WebSocket as one service: `/health` and `/metrics` open to all,
/// `/v1/…` behind API tokens.
public struct APIServer: Service {
    /// Where to listen and how to read dates.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var timeZone: TimeZone

        public init(host: String = "127.0.0.1", port: Int = 8080, timeZone: TimeZone = .current) {
            self.host = host
            self.port = port
            self.timeZone = timeZone
        }
    }

    private let application: Application<RouterResponder<APIRequestContext>>

    /// `health` is asked on each `/health` request; `metrics`, when given, writes the Prometheus text
    /// exposition served at `/metrics`; `onRunning` learns the bound port (useful with port 0).
    public init(configuration: Configuration, store: CRMStore, hub: LiveHub, health: @escaping @Sendable () async -> HealthReport,
                metrics: (@Sendable (inout [UInt8]) -> Void)? = nil,
                logger: Logger = Logger(label: "calldesk.http"), onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: APIErrorMiddleware())
        router.get("health") { _, _ in
            let report = await health()
            return try Response.json(report, status: report.database == "ok" ? .ok : .serviceUnavailable)
        }
        if let metrics {
            router.get("metrics") { _, _ in
                var text: [UInt8] = []
                metrics(&text)
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(bytes: text)))
            }
        }
        let v1 = router.group("v1").add(middleware: TokenAuthenticator(store: store))
        CallRoutes(store: store, timeZone: configuration.timeZone).register(on: v1)
        AgentEventsRoute(store: store, hub: hub).register(on: v1)
        application = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "CallDesk"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    public func run() async throws {
        try await application.run()
    }
}
