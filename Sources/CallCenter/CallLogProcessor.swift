import AMI
import CRM
import CallTracking
import Foundation
import Logging
import Telephony

/// The call log's state for one PBX, driven one stream element at a time: it tracks calls, pops
/// cards to ringing agents, starts recordings and hands each call's state to the writer.
struct CallLogProcessor {
    /// What is known about one live call beyond the tracker's record.
    private struct CallContext {
        /// The outside number last handed to the lookup.
        var lookedUp: String??
        var identity: CallerLookup.Identity?
        var recording: String?
    }

    typealias ActionSender = @Sendable (AMIAction) async throws -> AMIResponse

    let pbx: String
    let store: CRMStore
    let hub: PopHub
    let writer: CallLogWriter
    let lookup: CallerLookup
    let configuration: CallLogConfiguration
    let send: ActionSender
    var logger: Logger
    let metrics: CallLogMetrics?
    let roster: AgentRoster
    private var directory: AgentDirectory { roster.current }
    private(set) var tracker: CallTracker
    private var contexts: [String: CallContext] = [:]

    init(pbx: String, store: CRMStore, hub: PopHub, writer: CallLogWriter, lookup: CallerLookup, configuration: CallLogConfiguration,
         roster: AgentRoster, send: @escaping ActionSender, logger: Logger, metrics: CallLogMetrics? = nil) {
        self.pbx = pbx
        self.store = store
        self.hub = hub
        self.writer = writer
        self.lookup = lookup
        self.configuration = configuration
        self.roster = roster
        self.send = send
        self.logger = logger
        self.metrics = metrics
        tracker = CallTracker(pbx: pbx, configuration: configuration.tracker)
    }

    mutating func handle(_ element: AMIStreamElement) async {
        switch element {
        case .event(let event):
            for output in tracker.handle(event.message, receivedAt: event.receivedAt) {
                await apply(output, at: event.time, receivedAt: event.receivedAt)
            }
        case .connected:
            await resync(reason: "connected")
        case .overflow(_, let dropped):
            logger.warning("call log fell behind the PBX; resyncing", metadata: ["dropped": "\(dropped)"])
            await resync(reason: "overflow")
        case .disconnected, .connectionFailed:
            break
        }
    }

    // MARK: Outputs

    /// `receivedAt`: when the event behind `output` arrived (what a pop's latency is measured from).
    private mutating func apply(_ output: CallTracker.Output, at time: Date, receivedAt: Date? = nil) async {
        switch output {
        case .started(let record), .identified(let record):
            await lookUp(record)
            writer.enqueue(entry(record, at: time))
        case .agentRinging(let ref, let record):
            await identify(record)
            await pop(record, ref: ref, at: time)
            if let receivedAt { metrics?.popLatency.recordInterval(since: receivedAt) }
            writer.enqueue(entry(record, at: time))
        case .agentStoppedRinging(let ref, let record):
            if let agent = directory.agent(for: ref) {
                await hub.stopRinging(pbx: pbx, callID: record.linkedID, agentID: agent.userID)
            }
        case .answered(let ref, let record):
            await hub.answered(pbx: pbx, callID: record.linkedID, byAgent: ref.flatMap(directory.agent(for:))?.userID, extension: ref?.extension)
            await startRecording(record)
            await identify(record)
            writer.enqueue(entry(record, at: time))
        case .finished(let record):
            await hub.ended(pbx: pbx, callID: record.linkedID)
            await identify(record)
            writer.enqueue(entry(record, at: time))
            contexts[record.linkedID] = nil
            await lookup.forget(record.linkedID)
            if let result = record.result { metrics?.callEnded(direction: record.direction, result: result) }
            if record.closedByResync { metrics?.closedBlind.increment() }
        }
        metrics?.liveCalls.record(tracker.liveCallCount)
    }

    /// Starts finding the customers on the call's outside number (once per number), without waiting.
    private mutating func lookUp(_ record: CallRecord) async {
        guard let number = record.externalNumber else { return }
        if let context = contexts[record.linkedID], context.lookedUp == .some(number) { return }
        contexts[record.linkedID, default: CallContext()].lookedUp = .some(number)
        await lookup.begin(linkedID: record.linkedID, number: number)
    }

    /// The customers on the call's outside number; waits only if their lookup is still running.
    private mutating func identify(_ record: CallRecord) async {
        await lookUp(record)
        guard let identity = await lookup.identity(of: record.linkedID) else { return }
        contexts[record.linkedID, default: CallContext()].identity = identity
    }

    private mutating func pop(_ record: CallRecord, ref: AgentRef, at time: Date) async {
        guard let agent = directory.agent(for: ref) else {
            logger.debug("device rang for a call but belongs to no CallDesk user", metadata: ["call": "\(record.linkedID)", "device": "\(ref.device)"])
            return
        }
        let identity = contexts[record.linkedID]?.identity
        let customers = identity?.customers ?? []
        var cards = identity?.cards ?? []
        if identity?.cards == nil, !customers.isEmpty {
            // The lookup found the customers but could not read their cards: one more try.
            cards = (try? await store.customerCards(ids: customers.map(\.id))) ?? []
            contexts[record.linkedID]?.identity?.cards = cards
        }
        let wait = record.ringAt.map { max(0, Int(time.timeIntervalSince($0))) }
        let pop = ScreenPop(event: .ringing, pbx: pbx, callID: record.linkedID, number: record.externalNumber, e164: identity?.e164,
                            callerName: record.externalName, queue: record.queue, ringingSince: time, waitSeconds: wait,
                            customers: cards)
        await hub.ring(pop, agentID: agent.userID)
        metrics?.pops.increment()
        logger.info("screen-pop", metadata: [
            "call": "\(record.linkedID)", "agent": "\(agent.name)",
            "customer": "\(customers.map { String($0.id) }.joined(separator: ","))",
        ])
    }

    private mutating func startRecording(_ record: CallRecord) async {
        guard contexts[record.linkedID]?.recording == nil, let channel = record.callerChannel,
              let path = configuration.recordingPath(pbx: pbx, linkedID: record.linkedID) else { return }
        do {
            _ = try await send(AMIAction("MixMonitor", ["Channel": channel, "File": path, "Options": "b"]))
            contexts[record.linkedID, default: CallContext()].recording = path
            logger.info("recording started", metadata: ["call": "\(record.linkedID)", "file": "\(path)"])
        } catch {
            logger.error("recording could not be started", metadata: ["call": "\(record.linkedID)", "channel": "\(channel)", "error": "\(error)"])
        }
    }

    // MARK: Resync

    /// After a (re)connect or lost events: takes up live calls from `CoreShowChannels`, closes tracked
    /// calls that are gone (resync) and live rows in the log nobody tracks any more (recovery).
    private mutating func resync(reason: String) async {
        let channels: [AMIMessage]
        let stored: [StoredCall]
        do {
            channels = try await send(AMIAction("CoreShowChannels")).items.filter { $0.eventName == "CoreShowChannel" }
            stored = try await store.liveCalls(pbx: pbx)
        } catch {
            logger.error("call resync failed; calls are resolved at the next connect", metadata: ["reason": "\(reason)", "error": "\(error)"])
            return
        }
        let now = Date()
        let seeds = Dictionary(stored.filter { !tracker.tracks($0.linkedID) }.map { ($0.linkedID, seed(from: $0)) },
                               uniquingKeysWith: { first, _ in first })
        for output in tracker.adopt(channels: channels, known: seeds, at: now) { await apply(output, at: now) }
        let liveLegs = Set(channels.compactMap { $0["Uniqueid"] })
        let closed = tracker.reconcile(liveUniqueIDs: liveLegs)
        for output in closed { await apply(output, at: now) }
        var recovered = 0
        for call in stored where !tracker.tracks(call.linkedID) && !closed.contains(where: { Self.isFinished($0, call.linkedID) }) {
            let closure = recoveryClosure(of: call, at: now)
            writer.enqueue(closure)
            metrics?.closedBlind.increment()
            if let direction = CallDirection(rawValue: closure.direction), let result = closure.result.flatMap(CallResult.init(rawValue:)) {
                metrics?.callEnded(direction: direction, result: result)
            }
            recovered += 1
        }
        logger.info("call log resynced", metadata: [
            "reason": "\(reason)", "liveChannels": "\(channels.count)", "tracking": "\(tracker.liveCalls.count)",
            "closedByResync": "\(closed.count)", "closedByRecovery": "\(recovered)",
        ])
    }

    private static func isFinished(_ output: CallTracker.Output, _ linkedID: String) -> Bool {
        if case .finished(let record) = output { record.linkedID == linkedID } else { false }
    }

    /// What the log knew of a call, as a starting point for tracking it again.
    private func seed(from call: StoredCall) -> CallRecord {
        var record = CallRecord(pbx: pbx, linkedID: call.linkedID, direction: CallDirection(rawValue: call.direction) ?? .internal)
        record.externalNumber = record.direction == .outbound ? call.callee : call.caller
        record.externalName = call.externalName
        record.queue = call.queue
        record.ringAt = call.ringAt
        record.answerAt = call.answerAt
        record.queuePosition = call.queuePosition
        record.holdTime = call.holdTime
        record.agentsRung = call.agentsRung.map { AgentRef(extension: DeviceName.extension(of: $0), memberName: nil, device: $0) }
        // The agents the log knows took the call (not the last device rung: a queue rings several).
        record.connectedAgents = call.agentIDs.compactMap(directory.ref(userID:))
        if call.answerAt != nil {
            record.answeredBy = call.agentID.flatMap(directory.ref(userID:)) ?? record.connectedAgents.first
                ?? call.agentsRung.last.map { AgentRef(extension: DeviceName.extension(of: $0), memberName: nil, device: $0) }
        }
        record.recording = call.recording
        return record
    }

    /// A live row whose call is gone from the PBX and from the tracker: closed at its last sign of life.
    private func recoveryClosure(of call: StoredCall, at now: Date) -> CallEntry {
        var entry = CallEntry(pbx: pbx, linkedID: call.linkedID, direction: call.direction, status: .ended)
        entry.endAt = call.lastSeenAt ?? call.ringAt ?? now
        entry.result = call.answerAt != nil ? CallResult.answered.rawValue
            : call.direction == CallDirection.inbound.rawValue ? CallResult.noAnswer.rawValue : CallResult.failed.rawValue
        entry.endedBy = .recovery
        return entry
    }

    // MARK: Entries

    private func entry(_ record: CallRecord, at time: Date) -> CallEntry {
        let context = contexts[record.linkedID]
        var entry = CallEntry(pbx: pbx, linkedID: record.linkedID, direction: record.direction.rawValue,
                              status: record.endAt == nil ? .live : .ended)
        let agent = record.answeredBy.flatMap(directory.agent(for:))
        switch record.direction {
        case .inbound:
            entry.caller = record.externalNumber
            entry.callee = record.answeredBy?.extension ?? record.queue
        case .outbound:
            entry.caller = record.answeredBy?.extension
            entry.callee = record.externalNumber
        case .internal:
            entry.caller = record.externalNumber
            entry.callee = record.answeredBy?.extension
        }
        entry.externalName = record.externalName
        entry.queue = record.queue
        entry.agentID = agent?.userID
        entry.agentIDs = record.connectedAgents.compactMap { directory.agent(for: $0)?.userID }
        entry.agentsRung = record.agentsRung.map(\.device)
        entry.ringAt = record.ringAt
        entry.answerAt = record.answerAt
        entry.endAt = record.endAt
        entry.lastSeenAt = time
        entry.result = record.endAt == nil ? nil : record.result?.rawValue
        entry.hangupCause = record.hangupCause
        entry.queuePosition = record.queuePosition
        entry.holdTime = record.holdTime
        entry.talkTime = record.talkTime
        entry.recording = context?.recording ?? record.recording
        entry.taskID = record.taskTag.flatMap(Int.init)
        if entry.status == .ended { entry.endedBy = record.closedByResync ? .resync : .hangup }
        entry.customerIDs = context?.identity?.customers.map(\.id) ?? []
        return entry
    }
}
