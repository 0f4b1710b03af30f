import AMI
import CRM
import Workflows
import Foundation
import HTTPAPI
import Logging
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The CallDesk daemon's parts, wired from the configuration: one AMI client and call log per PBX,
/// the live hub, the imports uploaded over the API, and the HTTP API (which serves their figures at `/metrics`). Run `services` in
/// one `ServiceGroup` (in this order, so shutdown stops the API first, then the imports between batches, lets the call logs write
/// what they hold, and logs off the PBXs last).
public struct CallDeskDaemon: Sendable {
    public let hub: LiveHub
    public let amiClients: [AMIClient]
    public let callLogs: [CallLogService]
    public let imports: ImportQueue
    /// The live queue and agent monitor of each PBX.
    public let monitors: [QueueMonitorService]
    /// Agent login following the console.
    public let presence: ConsolePresence
    /// Follow-up calls planned by lead grade; `nil` where the daemon plans none (tests and benchmarks plan by hand).
    public let followUps: FollowUpScheduler?
    /// Notifications delivered to the consoles.
    public let courier: NotificationCourier
    public let api: APIServer
    /// The daemon's own figures, as `/metrics` shows them.
    public let metrics: PrometheusCollectorRegistry

    public var services: [any Service] { amiClients + callLogs + monitors + (followUps.map { [$0] } ?? []) + [courier, presence, imports, api] }

    public init(config: CallDeskConfig, store: CRMStore,
                onHTTPRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws {
        try self.init(store: store, pbxes: config.pbxes.map { $0.amiClientConfiguration() },
                  callLog: CallLogConfiguration(callbackDelay: .seconds(config.callbackDueMinutes * 60), queueTeams: config.monitor.queueTeams,
                                                defaultCallbackTeam: config.callbackTeam, recordingDirectory: config.recordingDirectory,
                                                journalDirectory: config.journalDirectory),
                  http: Self.http(config), dial: config.dial, followUp: config.followUp, escalation: config.escalation,
                  renewals: (config.renewals, config.renewalTeam),
                  onHTTPRunning: onHTTPRunning)
    }

    /// The parts for the given PBX links; `logger` (when given) replaces each part's own label.
    /// `followUp`: the follow-up cadence and when calls may fall; `nil` plans none (the tests and benchmarks plan by hand).
    public init(store: CRMStore, pbxes: [AMIClientConfiguration], callLog: CallLogConfiguration, http: APIServer.Configuration,
                dial: ClickToDial.Configuration = ClickToDial.Configuration(),
                followUp: FollowUpPlanner? = nil, escalation: EscalationPolicy = EscalationPolicy(),
                renewals: (planner: RenewalPlanner, team: String)? = nil, logger: Logger? = nil, onHTTPRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws {
        var http = http
        if http.recordingDirectory == nil { http.recordingDirectory = callLog.recordingDirectory }
        let registry = PrometheusCollectorRegistry()
        let factory = Self.metricsFactory(registry)
        let hub = LiveHub(metrics: factory)
        let clients = pbxes.map { AMIClient(configuration: $0, logger: logger ?? Logger(label: "calldesk.ami"), metrics: factory) }
        self.hub = hub
        metrics = registry
        amiClients = clients
        callLogs = clients.map {
            CallLogService(ami: $0, store: store, hub: hub, configuration: callLog, logger: logger ?? Logger(label: "calldesk.calllog"),
                           metrics: factory)
        }
        let imports = ImportQueue(store: store, logger: logger ?? Logger(label: "calldesk.import"))
        var monitorConfiguration = http.monitor
        monitorConfiguration.timeZone = http.timeZone
        let monitors = clients.map {
            QueueMonitorService(ami: $0, store: store, hub: hub, configuration: monitorConfiguration, logger: logger ?? Logger(label: "calldesk.monitor"))
        }
        self.monitors = monitors
        let presence = ConsolePresence(store: store, monitors: monitors, configuration: monitorConfiguration,
                                       logger: logger ?? Logger(label: "calldesk.presence"))
        self.presence = presence
        followUps = followUp.map {
            FollowUpScheduler(store: store, planner: $0, escalation: escalation, renewals: renewals?.planner,
                              renewalTeam: renewals?.team ?? "renewal", pools: http.pools, logger: logger ?? Logger(label: "calldesk.followup"))
        }
        self.imports = imports
        courier = NotificationCourier(store: store, hub: hub, logger: logger ?? Logger(label: "calldesk.notifications"))
        api = try APIServer(
            configuration: http, store: store, hub: hub, imports: imports, monitors: monitors,
            dialers: clients.map { ClickToDial(ami: $0, configuration: dial) }, presence: presence,
            health: {
                var links: [String: String] = [:]
                for client in clients { links[client.pbx] = await client.isConnected ? "connected" : "disconnected" }
                return HealthReport(pbx: links, database: await store.ping() ? "ok" : "unavailable")
            },
            metrics: { registry.emit(into: &$0) },
            logger: logger ?? Logger(label: "calldesk.http"), onRunning: onHTTPRunning)
    }

    /// The HTTP server's settings from the configuration.
    static func http(_ config: CallDeskConfig) -> APIServer.Configuration {
        var http = APIServer.Configuration(host: config.httpHost, port: config.httpPort, timeZone: config.timeZone)
        http.metricsAccess = config.metricsAccess
        http.monitor = config.monitor
        http.tls = config.tls
        http.pools = config.pools
        // Off loopback the browsers come over HTTPS, CallDesk's own or a proxy's.
        http.secureCookie = config.tls != nil || config.allowPlainHTTP
        return http
    }

    /// Prometheus for swift-metrics, with a pop's latency in buckets fine enough for its millisecond goal.
    static func metricsFactory(_ registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["calldesk_screen_pop_seconds"] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1),
        ]
        return factory
    }

    /// How the daemon's services run in one `ServiceGroup`: a graceful stop on `signals`, escalated to
    /// cancellation after `stopTimeout`, so that call-log writes to an unreachable database cannot hold
    /// a stop for ever (the writer then says how many it gave up; the next start closes their calls).
    public func groupConfiguration(signals: [UnixSignal] = [], stopTimeout: Duration, logger: Logger) -> ServiceGroupConfiguration {
        var configuration = ServiceGroupConfiguration(services: services.map { .init(service: $0) }, logger: logger)
        configuration.gracefulShutdownSignals = signals
        configuration.maximumGracefulShutdownDuration = stopTimeout
        return configuration
    }

    /// The daemon's services ended before its HTTP API was listening.
    public struct StoppedEarly: Error, CustomStringConvertible {
        public var description: String { "the daemon's services stopped before its HTTP API was listening" }
    }

    /// Runs the daemon's services while `body` runs, handing it the HTTP port once the API listens;
    /// then shuts them down gracefully (the call logs write what they hold) and returns `body`'s result.
    public static func run<T: Sendable>(store: CRMStore, pbxes: [AMIClientConfiguration], callLog: CallLogConfiguration = CallLogConfiguration(),
                                        monitor: MonitorConfiguration = MonitorConfiguration(),
                                        stopTimeout: Duration = .seconds(30), logger: Logger, _ body: @Sendable (CallDeskDaemon, _ httpPort: Int) async throws -> T) async throws -> T {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var http = APIServer.Configuration(host: "127.0.0.1", port: 0)
        http.monitor = monitor
        let daemon = try CallDeskDaemon(store: store, pbxes: pbxes, callLog: callLog, http: http, logger: logger) {
            portContinuation.yield($0)
            portContinuation.finish()
        }
        let group = ServiceGroup(configuration: daemon.groupConfiguration(stopTimeout: stopTimeout, logger: logger))
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                defer { portContinuation.finish() }
                try await group.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                // The services ended before the API listened: their error, if any, says why.
                try await tasks.waitForAll()
                throw StoppedEarly()
            }
            let result: T
            do {
                result = try await body(daemon, port)
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        }
    }
}
