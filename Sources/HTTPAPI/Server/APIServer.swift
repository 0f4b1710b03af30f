import CRM
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdWebSocket
import Logging
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle
import Vocabulary
import Workflows

/// CallDesk's HTTP API and agent WebSocket as one service: `/health`, `/metrics` and `/openapi.yaml`
/// open to all, `/v1/…` (the document's operations, spec-first) behind API tokens.
public struct APIServer: Service {
    /// Where to listen, how to read dates, and who sees phone numbers masked.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var timeZone: TimeZone
        /// Roles that see phone numbers with four digits hidden (`138****8000`).
        public var maskedRoles: Set<UserRole>
        /// How long a token from `POST /v1/login` is valid.
        public var loginTokenLifetime: Duration
        /// scrypt work factors for passwords set through the API.
        public var passwordParameters: PasswordHash.Parameters
        /// How long a connection may take to send a request's headers (from opening, or after a response).
        public var headerTimeout: Duration = .seconds(10)
        /// How long a connection may stay silent in the middle of a request before it is closed.
        public var idleTimeout: Duration = .seconds(60)
        /// The largest request head taken (431 above).
        public var maxHeaderBytes = 16 * 1024
        /// Event sockets one user may hold open at once (a console in a few tabs).
        public var maxSocketsPerUser = 8
        /// How often an open event socket checks that its token still works and its user is not disabled.
        public var socketRecheck: Duration = .seconds(2)
        /// The live monitor's pause codes and service-level rules, as the pages show them.
        public var monitor = MonitorConfiguration()
        /// Where call recordings are served from; `nil`: none are.
        public var recordingDirectory: String?
        /// Claim limit, cooldown and recycling of the customer pools (公海).
        public var pools = PoolRules()
        /// Who may read `/metrics`.
        public var metricsAccess: MetricsAccess = .loopback
        /// Serve HTTPS with these files; `nil`: plain HTTP (loopback, or behind a proxy that terminates TLS).
        public var tls: TLSFiles?
        /// Mark the session cookie `Secure` (browsers reach CallDesk over HTTPS, its own or a proxy's).
        public var secureCookie = false
        /// Serve `GET /v1/lookup`'s common case without the spec-first runtime (`LookupFastPath`: the
        /// same answer, byte for byte, at about 1.5 times the rate); off only to compare the two.
        var fastLookup = true

        /// Who may read `/metrics`: anyone, clients on this machine (a Prometheus beside CallDesk), or
        /// holders of a supervisor's or admin's token.
        public enum MetricsAccess: String, Sendable, CaseIterable {
            case open, loopback, token
        }

        public init(host: String = "127.0.0.1", port: Int = 8080, timeZone: TimeZone = .current, maskedRoles: Set<UserRole> = [.agent],
                    loginTokenLifetime: Duration = .seconds(12 * 3600), passwordParameters: PasswordHash.Parameters = .init()) {
            self.host = host
            self.port = port
            self.timeZone = timeZone
            self.maskedRoles = maskedRoles
            self.loginTokenLifetime = loginTokenLifetime
            self.passwordParameters = passwordParameters
        }
    }

    /// The largest request body taken; a larger one is answered 413 before it is read.
    static let bodyLimit = 64 * 1024

    private let application: Application<RouterResponder<APIRequestContext>>
    private let socketWatch: SocketWatch

    /// `health` is asked on each `/health` request; `metrics`, when given, writes the Prometheus text
    /// exposition served at `/metrics`; `onRunning` learns the bound port (useful with port 0).
    public init(configuration: Configuration, store: CRMStore, hub: LiveHub, imports: ImportQueue? = nil, monitors: [QueueMonitorService] = [],
                dialers: [ClickToDial] = [], presence: ConsolePresence? = nil,
                health: @escaping @Sendable () async -> HealthReport, metrics: (@Sendable (inout [UInt8]) -> Void)? = nil,
                logger: Logger = Logger(label: "calldesk.http"), onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws {
        let document = try OpenAPIDocument.load()
        let rules = try document.parameterRules(prefix: "/v1")
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: APIErrorMiddleware(rules: rules))
        router.get("health") { _, _ in
            let report = await health()
            return try Response.json(report, status: report.database == "ok" ? .ok : .serviceUnavailable)
        }
        if let metrics {
            let access = configuration.metricsAccess
            router.get("metrics") { request, context in
                try await Self.checkMetricsAccess(access, request, context, store: store)
                var text: [UInt8] = []
                metrics(&text)
                return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(bytes: text)))
            }
        }
        router.get("openapi.yaml") { _, _ in document.response() }

        let refusals = RefusalCounter()
        let tokens = TokenCache()
        let api = CallDeskAPI(store: store,
                              settings: .init(timeZone: configuration.timeZone, maskedRoles: configuration.maskedRoles,
                                              loginTokenLifetime: configuration.loginTokenLifetime,
                                              passwordParameters: configuration.passwordParameters, monitor: configuration.monitor,
                                              recordingDirectory: configuration.recordingDirectory, pools: configuration.pools),
                              throttle: LoginThrottle(), refusals: refusals, imports: imports, monitors: monitors, dialers: dialers, logger: logger)
        try PageRoutes(api: api, store: store, secureCookie: configuration.secureCookie || configuration.tls != nil).register(
            on: router, sessionMiddleware: TokenAuthenticator(store: store, openPaths: ["/session"], refusals: refusals, cache: tokens))
        // Compact JSON, keys sorted: the API's one style (the runtime's default is pretty-printed).
        let openAPI = OpenAPIRuntime.Configuration(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])
        let v1 = router.group("v1")
            .add(middleware: BodyLimitMiddleware(limit: Self.bodyLimit, uploads: ["/v1/imports": CallDeskAPI.importLimit]))
            .add(middleware: TokenAuthenticator(store: store, openPaths: ["/v1/login"], refusals: refusals, cache: tokens))
        if configuration.fastLookup { v1.add(middleware: LookupFastPath(api: api, rules: rules, configuration: openAPI)) }
        v1.add(middleware: ParameterCheckMiddleware(rules: rules))
            .add(middleware: RawHeaderMiddleware())
        try api.registerHandlers(on: v1, configuration: openAPI)
        // The event socket: a browser's WebSocket cannot send headers, so it alone takes ?token=.
        let sockets = router.group("v1").add(middleware: TokenAuthenticator(store: store, allowsQueryToken: true, refusals: refusals))
        socketWatch = SocketWatch(store: store, every: configuration.socketRecheck, logger: logger)
        let live = LiveSockets(hub: hub, limits: .init(maxPerUser: configuration.maxSocketsPerUser),
                               maskedRoles: configuration.maskedRoles, watch: socketWatch)
        AgentEventsRoute(store: store, sockets: live).register(on: sockets)
        LiveRoute(store: store, sockets: live, pauseCodes: configuration.monitor.pauseCodes, timeZone: configuration.timeZone,
                  queueTeams: configuration.monitor.queueTeams, presence: presence)
            .register(on: sockets)
        let headerTimeout = TimeAmount.nanoseconds(Int64(configuration.headerTimeout.components.seconds) * 1_000_000_000
            + configuration.headerTimeout.components.attoseconds / 1_000_000_000)
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [HeaderTimeoutHandler(timeout: headerTimeout)],
            idleTimeout: .seconds(configuration.idleTimeout.components.seconds),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: configuration.maxHeaderBytes, maxHeaderListSize: configuration.maxHeaderBytes,
                                            maxHeaderFieldCount: 200))
        let webSocketResponder = UpgradeRefusingResponder(base: router.buildResponder(), isSocketPath: Self.isSocketPath)
        let maxHeaderBytes = configuration.maxHeaderBytes
        let tls = try configuration.tls?.serverConfiguration()
        let server = HTTPServerBuilder { responder in
            let guarded = GuardedChildChannel(base: HTTP1WebSocketUpgradeChannel(responder: responder, webSocketResponder: webSocketResponder,
                                                                                 configuration: .init(http1: http1)),
                                              headerTimeout: headerTimeout, maxHeaderBytes: maxHeaderBytes)
            guard let tls else { return guarded }
            return try TLSChannel(guarded, tlsConfiguration: tls)
        }
        application = Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "CallDesk"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// The paths `AgentEventsRoute` and `LiveRoute` upgrade.
    @Sendable static func isSocketPath(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        return parts == ["v1", "live"] || (parts.count == 4 && parts[0] == "v1" && parts[1] == "agents" && parts[3] == "events")
    }

    private static func checkMetricsAccess(_ access: Configuration.MetricsAccess, _ request: Request, _ context: APIRequestContext,
                                           store: CRMStore) async throws {
        switch access {
        case .open:
            return
        case .loopback:
            let address = context.remoteAddressText
            guard address.hasPrefix("127.") || address == "::1" else {
                throw APIError(.forbidden, code: "forbidden", message: "/metrics is served to this machine only (http.metrics: loopback)")
            }
        case .token:
            guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
                  let user = try await store.user(forToken: String(header.dropFirst(7))), user.role != .agent else {
                throw APIError.unauthorized
            }
        }
    }

    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await socketWatch.run() }
            defer { group.cancelAll() }
            try await application.run()
        }
    }
}
