import AMI
import CRM
import CallCenter
import Foundation
import HTTPAPI
import Logging
import ServiceLifecycle

/// The CallDesk daemon's parts, wired from the configuration: one AMI client and call log per PBX,
/// the pop hub, and the HTTP API. Run `services` in one `ServiceGroup` (in this order, so shutdown
/// stops the API first, lets the call logs write what they hold, and logs off the PBXs last).
public struct CallDeskDaemon: Sendable {
    public let hub: PopHub
    public let amiClients: [AMIClient]
    public let callLogs: [CallLogService]
    public let api: APIServer

    public var services: [any Service] { amiClients + callLogs + [api] }

    public init(config: CallDeskConfig, store: CRMStore,
                onHTTPRunning: @escaping @Sendable (Int) async -> Void = { _ in }) {
        let hub = PopHub()
        let callLog = CallLogConfiguration(callbackDelay: .seconds(config.callbackDueMinutes * 60),
                                           defaultCallbackTeam: config.callbackTeam, recordingDirectory: config.recordingDirectory)
        let clients = config.pbxes.map { AMIClient(configuration: $0.amiClientConfiguration(), logger: Logger(label: "calldesk.ami")) }
        self.hub = hub
        amiClients = clients
        callLogs = clients.map { CallLogService(ami: $0, store: store, hub: hub, configuration: callLog, logger: Logger(label: "calldesk.calllog")) }
        api = APIServer(
            configuration: .init(host: config.httpHost, port: config.httpPort, timeZone: config.timeZone),
            store: store, hub: hub,
            health: {
                var links: [String: String] = [:]
                for client in clients { links[client.pbx] = await client.isConnected ? "connected" : "disconnected" }
                return HealthReport(pbx: links, database: await store.ping() ? "ok" : "unavailable")
            },
            logger: Logger(label: "calldesk.http"), onRunning: onHTTPRunning)
    }
}
