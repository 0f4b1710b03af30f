import AMI
import CRM
import CallTracking
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// The call log for one PBX as a long-running service: follows the PBX's AMI events, keeps one
/// record per call in the CRM (exactly once, across reconnects and restarts), pops cards to ringing
/// agents through the `PopHub`, and files a callback task for each missed inbound call.
public final class CallLogService: Service {
    public let pbx: String
    private let ami: AMIClient
    private let store: CRMStore
    private let hub: PopHub
    private let configuration: CallLogConfiguration
    private let logger: Logger
    private let metrics: CallLogMetrics

    /// `metrics` receives the call log's figures (`calldesk_calls_*`, `calldesk_screen_pop*`, by `pbx`).
    public init(ami: AMIClient, store: CRMStore, hub: PopHub, configuration: CallLogConfiguration = CallLogConfiguration(),
                logger: Logger = Logger(label: "calldesk.calllog"), metrics: any MetricsFactory = MetricsSystem.factory) {
        self.pbx = ami.pbx
        self.metrics = CallLogMetrics(pbx: ami.pbx, factory: metrics)
        self.ami = ami
        self.store = store
        self.hub = hub
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "pbx"] = "\(ami.pbx)"
        self.logger = logger
    }

    public func run() async throws {
        let events = ami.events()
        let writer = CallLogWriter(store: store, logger: logger, metrics: metrics) { [store, configuration, logger] recorded, entry in
            try await Self.afterCall(callID: recorded.id, entry, store: store, configuration: configuration, logger: logger)
        }
        let ami = self.ami
        let roster = try await AgentRoster(store: store)
        await Self.fileMissingCallbacks(pbx: pbx, store: store, configuration: configuration, logger: logger)
        let lookup = CallerLookup(store: store, logger: logger, held: metrics.lookupsHeld)
        let processor = CallLogProcessor(pbx: pbx, store: store, hub: hub, writer: writer, lookup: lookup, configuration: configuration,
                                         roster: roster, send: { try await ami.send($0) }, logger: logger, metrics: metrics)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await writer.run() }
            group.addTask { await lookup.run() }
            group.addTask { [configuration, logger] in
                await cancelWhenGracefulShutdown { await roster.keepFresh(every: configuration.agentRefreshInterval, logger: logger) }
            }
            await cancelWhenGracefulShutdown {
                var processor = processor
                for await element in events { await processor.handle(element) }
            }
            // The writer is never cancelled on a graceful stop: it ends once everything queued is written.
            logger.info("call log stopping; writing what is queued", metadata: ["backlog": "\(writer.backlog)"])
            lookup.finish()
            writer.finish()
        }
    }

    static let missedResults: [CallResult] = [.abandoned, .noAnswer, .voicemail]

    /// Files the callbacks that a stop cut off: missed calls of the last day whose end was written
    /// but whose callback was not (the two are separate writes). Idempotent: one callback per call.
    static func fileMissingCallbacks(pbx: String, store: CRMStore, configuration: CallLogConfiguration, logger: Logger) async {
        do {
            let calls = try await store.missedCallsWithoutCallback(pbx: pbx, results: missedResults.map(\.rawValue),
                                                                   since: Date().addingTimeInterval(-24 * 3600))
            for call in calls {
                var entry = CallEntry(pbx: pbx, linkedID: call.linkedID, direction: call.direction, status: .ended)
                entry.caller = call.caller
                entry.queue = call.queue
                entry.result = call.result
                entry.endAt = call.endAt
                entry.holdTime = call.holdTime
                entry.customerIDs = call.customerIDs
                try await afterCall(callID: call.id, entry, store: store, configuration: configuration, logger: logger)
            }
            if !calls.isEmpty { logger.warning("filed callbacks a stop had cut off", metadata: ["calls": "\(calls.count)"]) }
        } catch {
            logger.error("could not look for missed calls without a callback", metadata: ["error": "\(error)"])
        }
    }

    /// A missed inbound call (abandoned, unanswered, or sent to voicemail) becomes a callback task:
    /// for the customer's owner, or for the queue's team when the caller is unknown.
    static func afterCall(callID: Int, _ entry: CallEntry, store: CRMStore,
                          configuration: CallLogConfiguration, logger: Logger) async throws {
        guard entry.direction == CallDirection.inbound.rawValue,
              let result = entry.result.flatMap(CallResult.init(rawValue:)),
              missedResults.contains(result) else { return }
        let customers = entry.customerIDs.isEmpty ? [] : try await store.summaries(ids: entry.customerIDs)
        let owner = customers.first?.ownerID
        let phone = entry.caller.flatMap { store.normalizer.normalize($0).phoneNumber?.e164 } ?? entry.caller
        let due = (entry.endAt ?? Date()).addingTimeInterval(TimeInterval(configuration.callbackDelay.components.seconds))
        let waited = entry.holdTime.map { ", waited \($0) s" } ?? ""
        let note = "missed call (\(entry.result ?? "?")) from \(phone ?? "unknown number")\(entry.queue.map { " in queue \($0)" } ?? "")\(waited)"
        let team = owner == nil ? configuration.callbackTeam(queue: entry.queue) : nil
        if let task = try await store.createCallbackTask(callID: callID, customerID: customers.first?.id, ownerID: owner,
                                                         teamName: team, phone: phone, dueAt: due, note: note) {
            logger.info("callback task created", metadata: [
                "call": "\(entry.linkedID)", "task": "\(task)", "customer": "\(customers.first.map { String($0.id) } ?? "-")",
                "owner": "\(owner.map(String.init) ?? "team \(team ?? "-")")",
            ])
        }
    }
}
