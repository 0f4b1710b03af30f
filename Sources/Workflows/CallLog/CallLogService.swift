import AMI
import CRM
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Vocabulary

/// The call log for one PBX as a long-running service: the thin shell around `CallCoordinator`.
///
/// It feeds the coordinator the PBX's events, runs the slow actions it asks for (lookups, card
/// reads, MixMonitor, resync listings) as child tasks whose results come back as inputs, hands
/// pops to the `LiveHub` and writes to the `CallLogWriter`. No input waits for the network or the
/// database, so one call's slow work never holds up another's pop.
public final class CallLogService: Service {
    public let pbx: String
    private let ami: AMIClient
    private let store: CRMStore
    private let hub: LiveHub
    private let configuration: CallLogConfiguration
    private let logger: Logger
    private let metrics: CallLogMetrics
    /// Subscribed at creation, before the client can log in, so no event is missed however late `run` starts.
    private let events: AsyncStream<AMIStreamElement>

    /// `metrics` receives the call log's figures (`calldesk_calls_*`, `calldesk_screen_pop*`, by `pbx`).
    public init(ami: AMIClient, store: CRMStore, hub: LiveHub, configuration: CallLogConfiguration = CallLogConfiguration(),
                logger: Logger = Logger(label: "calldesk.calllog"),
                metrics: any MetricsFactory = MetricsSystem.factory) {
        self.pbx = ami.pbx
        self.metrics = CallLogMetrics(pbx: ami.pbx, factory: metrics)
        self.ami = ami
        self.events = ami.events(batched: true)
        self.store = store
        self.hub = hub
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "pbx"] = "\(ami.pbx)"
        self.logger = logger
    }

    public func run() async throws {
        let journal = try configuration.journalDirectory.map { directory throws(JournalError) in try CallLogJournal(directory: directory, pbx: pbx) }
        let filer = CallbackFiler(store: store, configuration: configuration, logger: logger)
        let writer = CallLogWriter(store: store, journal: journal, logger: logger, metrics: metrics) { recorded, entry in
            try await filer.afterCall(callID: recorded.id, entry)
        }
        let roster = try await AgentRoster(store: store)
        await filer.fileMissingCallbacks(pbx: pbx)
        let (inputs, feed) = AsyncStream.makeStream(of: CallCoordinator.Input.self)
        var coordinator = CallCoordinator(pbx: pbx, configuration: configuration, directory: roster.current)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await writer.run() }
            // The coordinator and what feeds it run on the loop that reads the PBX: an event reaches
            // the coordinator, and its pop the hub, without crossing threads.
            await withTaskExecutorPreference(ami.taskExecutor) {
                await withDiscardingTaskGroup { work in
                    work.addTask { [logger] in
                        await cancelWhenGracefulShutdown {
                            for await element in self.events { Self.forward(element, to: feed, logger: logger) }
                        }
                        feed.yield(.stopping)
                        feed.finish()
                    }
                    work.addTask { [configuration] in
                        while (try? await Task.sleep(for: configuration.tickInterval)) != nil { feed.yield(.tick(.now)) }
                    }
                    work.addTask { [configuration, logger] in
                        await roster.keepFresh(every: configuration.agentRefreshInterval, logger: logger) { feed.yield(.agentsChanged($0)) }
                    }
                    for await input in inputs {
                        for action in coordinator.handle(input) { perform(action, feed: feed, writer: writer, work: &work) }
                        metrics.liveCalls.record(coordinator.liveCallCount)
                        if case .tick = input { metrics.lookupsHeld.record(coordinator.pendingLookups) }
                    }
                    // Lookups and recordings still out are of no use now; the writer is never cancelled on a graceful stop.
                    work.cancelAll()
                }
            }
            logger.info("call log stopping; writing what is queued", metadata: ["backlog": "\(writer.backlog)"])
            writer.finish()
        }
    }

    private static func forward(_ element: AMIStreamElement, to feed: AsyncStream<CallCoordinator.Input>.Continuation, logger: Logger) {
        switch element {
        case .event(let event):
            feed.yield(.events([event]))
        case .events(let events):
            feed.yield(.events(events))
        case .connected:
            feed.yield(.resyncNeeded(.connected))
        case .overflow(_, let dropped):
            logger.warning("call log fell behind the PBX; resyncing", metadata: ["dropped": "\(dropped)"])
            feed.yield(.resyncNeeded(.overflow))
        case .disconnected, .connectionFailed:
            break
        }
    }

    private func perform(_ action: CallCoordinator.Action, feed: AsyncStream<CallCoordinator.Input>.Continuation,
                         writer: CallLogWriter, work: inout DiscardingTaskGroup) {
        switch action {
        case .publish(let pop, let agentID, let since):
            let key = "pop/\(pop.pbx)/\(pop.callID)"
            hub.publish(.screenPop(pop), to: .agent(agentID), retention: pop.event == .ringing ? .keep(key) : .release(key))
            guard pop.event == .ringing else { return }
            if let since { metrics.popLatency.record(duration: .now - since) }
            metrics.pops.increment()
            logger.info("screen-pop", metadata: [
                "call": "\(pop.callID)", "agent": "\(agentID)", "customer": "\(pop.customers.map { String($0.id) }.joined(separator: ","))",
            ])
        case .write(let entry):
            writer.enqueue(entry)
        case .callEnded(let direction, let result, let blind):
            metrics.callEnded(direction: direction, result: result)
            if blind { metrics.closedBlind.increment() }
        case .resynced(let summary):
            logger.info("call log resynced", metadata: [
                "reason": "\(summary.reason.rawValue)", "liveChannels": "\(summary.liveChannels)", "tracking": "\(summary.tracking)",
                "closedByResync": "\(summary.closedByResync)", "closedByRecovery": "\(summary.closedByRecovery)",
            ])
        case .lookUp(let callID, let number):
            work.addTask { [store, logger] in
                feed.yield(.lookedUp(callID: callID, identity: await CallerIdentity.find(number, in: store, logger: logger, call: callID)))
            }
        case .readCards(let callID, let ids):
            work.addTask { [store] in feed.yield(.cardsRead(callID: callID, cards: try? await store.customerCards(ids: ids))) }
        case .startRecording(let callID, let channel, let path):
            work.addTask { [ami, logger] in
                do {
                    _ = try await ami.send(AMIAction("MixMonitor", ["Channel": channel, "File": path, "Options": "b"]))
                    logger.info("recording started", metadata: ["call": "\(callID)", "file": "\(path)"])
                    feed.yield(.recordingStarted(callID: callID, path: path))
                } catch {
                    logger.error("recording could not be started", metadata: ["call": "\(callID)", "channel": "\(channel)", "error": "\(error)"])
                    feed.yield(.recordingFailed(callID: callID))
                }
            }
        case .fetchResync(let generation, let reason):
            work.addTask { [ami, store, pbx, logger] in
                do {
                    let channels = try await ami.send(AMIAction("CoreShowChannels")).items
                    let stored = try await store.liveCalls(pbx: pbx)
                    feed.yield(.resyncFetched(generation: generation, channels: channels, stored: stored, at: Date()))
                } catch {
                    logger.error("call resync failed; calls are resolved at the next connect", metadata: ["reason": "\(reason.rawValue)", "error": "\(error)"])
                    feed.yield(.resyncFailed(generation: generation))
                }
            }
        }
    }
}
