import AMI
import CRM
import Foundation
import PBXMonitor
import Vocabulary

/// The call log's decisions for one PBX, without I/O: AMI events go in (through the call
/// tracker), and so do the results of the slow work it asked for (lookups, card reads,
/// recordings, resync listings) and clock ticks; out come actions for a shell to perform.
///
/// Nothing here waits. A pop whose caller is still being looked up is held back (with the
/// messages that follow it for that call, so each agent sees them in order) until the lookup
/// answers or `popHoldLimit` passes; a call's final write is held until its lookup and recording
/// are settled or `finalHoldLimit` passes. Other calls go on meanwhile.
public struct CallCoordinator: Sendable {
    /// Something that happened: an event batch, a connection change, or a slow action's result.
    public enum Input: Sendable {
        /// Events from the PBX, in the order they arrived.
        case events([AMIEvent])
        /// (Re)logged in, or the event stream lost events: the live calls must be listed again.
        case resyncNeeded(ResyncReason)
        /// The listing asked for by `.fetchResync(generation)`: the PBX's channels and the log's live calls.
        case resyncFetched(generation: Int, channels: [AMIMessage], stored: [StoredCall], at: Date)
        /// The listing could not be read (the link or the database went away): events go on without it.
        case resyncFailed(generation: Int)
        /// The lookup asked for by `.lookUp` answered.
        case lookedUp(callID: String, identity: CallerIdentity)
        /// The card re-read asked for by `.readCards` answered; `nil` when it failed again.
        case cardsRead(callID: String, cards: [CustomerCard]?)
        /// MixMonitor answered for the call: started writing `path`, or refused.
        case recordingStarted(callID: String, path: String)
        case recordingFailed(callID: String)
        /// The agents' devices changed (a user added, an extension moved).
        case agentsChanged(AgentDirectory)
        /// The time now: held pops and final writes past their limit go out.
        case tick(ContinuousClock.Instant)
        /// The service stops: everything held goes out now.
        case stopping
    }

    /// Why the live calls are listed again.
    public enum ResyncReason: String, Sendable, Hashable {
        case connected, overflow
    }

    /// Work for the shell. Fast ones (publish, write, count) it does in line; slow ones (look up,
    /// read cards, start recording, fetch a resync listing) it runs as child tasks whose results come back as inputs.
    public enum Action: Sendable, Hashable {
        case lookUp(callID: String, number: String)
        case readCards(callID: String, customerIDs: [Int])
        case startRecording(callID: String, channel: String, path: String)
        case fetchResync(generation: Int, reason: ResyncReason)
        /// Send this pop to the agent's screens; `since` is when the event behind a ringing pop arrived.
        case publish(ScreenPop, agentID: Int, since: ContinuousClock.Instant?)
        case write(CallEntry)
        /// A call ended (for the figures); `blind` when its hangup was not seen.
        case callEnded(direction: CallDirection, result: CallResult, blind: Bool)
        /// A resync was applied (for the log).
        case resynced(ResyncSummary)
    }

    /// What a resync found.
    public struct ResyncSummary: Sendable, Hashable {
        public let reason: ResyncReason
        public let liveChannels: Int
        public let tracking: Int
        public let closedByResync: Int
        public let closedByRecovery: Int
    }

    /// A message for an agent's screen waiting for its call's lookup.
    enum HeldPop: Sendable, Hashable {
        case ring(agentID: Int, record: CallRecord, at: Date, since: ContinuousClock.Instant?)
        case stop(agentID: Int)
        case answered(agentID: Int?, extension: String?)
        case ended
    }

    /// What is known about one live call beyond the tracker's record.
    struct CallState: Sendable {
        /// The outside number last handed to the lookup, and whether its answer is still out.
        var lookedUp: String?
        var lookupPending = false
        var cardsPending = false
        var identity: CallerIdentity?
        var recordingPending = false
        var recording: String?
        /// Pop messages waiting for the lookup, in order, and since when.
        var held: [HeldPop] = []
        var heldSince: ContinuousClock.Instant?
        /// The call's final record, waiting for its lookup or recording, and since when.
        var final: (record: CallRecord, at: Date)?
        var finalSince: ContinuousClock.Instant?
        /// Pops ringing each agent, and the agent on the call with their card.
        var ringing: [Int: ScreenPop] = [:]
        var talking: (agentID: Int, pop: ScreenPop)?

        var waitsForIdentity: Bool { lookupPending || cardsPending }
    }

    enum Phase: Sendable {
        case following
        /// Waiting for the listing of `generation`; events meanwhile wait in `buffered`.
        case resyncing(generation: Int, reason: ResyncReason, buffered: [AMIEvent])
    }

    public let pbx: String
    public let configuration: CallLogConfiguration
    public internal(set) var tracker: CallTracker
    var directory: AgentDirectory
    var calls = CallStates()
    var phase: Phase = .following
    private var resyncGeneration = 0
    /// The clock's last reading (from ticks), for held messages that need a start.
    private var now: ContinuousClock.Instant

    public init(pbx: String, configuration: CallLogConfiguration, directory: AgentDirectory, now: ContinuousClock.Instant = .now) {
        self.pbx = pbx
        self.configuration = configuration
        self.directory = directory
        self.now = now
        tracker = CallTracker(pbx: pbx, configuration: configuration.tracker)
    }

    /// Calls with at least one live leg.
    public var liveCallCount: Int { tracker.liveCallCount }

    /// Lookups whose answer is still out.
    public var pendingLookups: Int { calls.lookupsOut }

    /// Whether events wait for a resync listing.
    public var isResyncing: Bool { if case .resyncing = phase { true } else { false } }

    /// Applies one input; returns what to do, in order.
    public mutating func handle(_ input: Input) -> [Action] {
        var actions: [Action] = []
        switch input {
        case .events(let events):
            if case .resyncing(let generation, let reason, let buffered) = phase {
                phase = .resyncing(generation: generation, reason: reason, buffered: buffered + events)
            } else {
                // In place: a batch's events are not copied one by one (each copy retains storage the reading thread made).
                events.withUnsafeBufferPointer { batch in
                    for index in batch.indices { follow(batch[index], into: &actions) }
                }
            }
        case .resyncNeeded(let reason):
            resyncGeneration += 1
            let buffered: [AMIEvent]
            if case .resyncing(_, _, let waiting) = phase { buffered = waiting } else { buffered = [] }
            phase = .resyncing(generation: resyncGeneration, reason: reason, buffered: buffered)
            actions.append(.fetchResync(generation: resyncGeneration, reason: reason))
        case .resyncFetched(let generation, let channels, let stored, let time):
            guard case .resyncing(generation, let reason, let buffered) = phase else { break }
            resync(reason: reason, channels: channels, stored: stored, at: time, into: &actions)
            phase = .following
            for event in buffered { follow(event, into: &actions) }
        case .resyncFailed(let generation):
            guard case .resyncing(generation, _, let buffered) = phase else { break }
            phase = .following
            for event in buffered { follow(event, into: &actions) }
        case .lookedUp(let callID, let identity):
            lookedUp(callID, identity, into: &actions)
        case .cardsRead(let callID, let cards):
            guard var call = calls[callID], call.cardsPending else { break }
            call.cardsPending = false
            call.identity?.cards = cards ?? []
            calls[callID] = call
            release(callID, into: &actions)
            recard(callID, into: &actions)
        case .recordingStarted(let callID, let path):
            guard calls[callID]?.recordingPending == true else { break }
            calls[callID]?.recordingPending = false
            calls[callID]?.recording = path
            if calls[callID]?.final == nil, let record = tracker.record(callID) {
                actions.append(.write(entry(record, at: Date())))
            }
            release(callID, into: &actions)
        case .recordingFailed(let callID):
            guard calls[callID]?.recordingPending == true else { break }
            calls[callID]?.recordingPending = false
            release(callID, into: &actions)
        case .agentsChanged(let directory):
            self.directory = directory
        case .tick(let instant):
            now = instant
            expire(into: &actions)
        case .stopping:
            if case .resyncing(_, _, let buffered) = phase {
                phase = .following
                for event in buffered { follow(event, into: &actions) }
            }
            for callID in calls.callIDs.sorted() { release(callID, force: true, into: &actions) }
        }
        return actions
    }

    // MARK: Events

    private mutating func follow(_ event: AMIEvent, into actions: inout [Action]) {
        for output in tracker.handle(event.message, receivedAt: event.receivedAt) {
            apply(output, at: event.time, since: event.arrivedAt, into: &actions)
        }
    }

    mutating func apply(_ output: CallTracker.Output, at time: Date, since: ContinuousClock.Instant? = nil, into actions: inout [Action]) {
        switch output {
        case .started(let record), .identified(let record):
            lookUp(record, into: &actions)
            actions.append(.write(entry(record, at: time)))
        case .agentRinging(let ref, let record):
            lookUp(record, into: &actions)
            if let agent = directory.agent(for: ref) {
                hold(.ring(agentID: agent.userID, record: record, at: time, since: since), for: record.linkedID, into: &actions)
            }
            actions.append(.write(entry(record, at: time)))
        case .agentStoppedRinging(let ref, let record):
            if let agent = directory.agent(for: ref) { hold(.stop(agentID: agent.userID), for: record.linkedID, into: &actions) }
        case .answered(let ref, let record):
            hold(.answered(agentID: ref.flatMap(directory.agent(for:))?.userID, extension: ref?.extension), for: record.linkedID, into: &actions)
            startRecording(record, into: &actions)
            actions.append(.write(entry(record, at: time)))
        case .finished(let record):
            hold(.ended, for: record.linkedID, into: &actions)
            if let result = record.result {
                actions.append(.callEnded(direction: record.direction, result: result, blind: record.closedByResync))
            }
            var call = calls[record.linkedID] ?? CallState()
            call.final = (record, time)
            call.finalSince = now
            calls[record.linkedID] = call
            release(record.linkedID, into: &actions)
        }
    }

    /// Starts finding the customers on the call's outside number, once per number.
    private mutating func lookUp(_ record: CallRecord, into actions: inout [Action]) {
        guard let number = record.externalNumber else { return }
        var call = calls[record.linkedID] ?? CallState()
        guard call.lookedUp != number else { return }
        call.lookedUp = number
        call.lookupPending = true
        calls[record.linkedID] = call
        actions.append(.lookUp(callID: record.linkedID, number: number))
    }

    private mutating func lookedUp(_ callID: String, _ identity: CallerIdentity, into actions: inout [Action]) {
        // An answer for a number the call no longer has is superseded by the newer lookup. One that
        // comes after its hold ran out is still taken (the ringing pops get their card late).
        guard var call = calls[callID], call.lookedUp == identity.number, call.lookupPending || call.identity == nil else { return }
        call.lookupPending = false
        call.identity = identity
        let cardless = call.held.contains(where: \.isRing) || call.ringing.values.contains { $0.customers.isEmpty }
        if identity.cards == nil, !identity.customers.isEmpty, cardless {
            // The lookup found the customers but could not read their cards: one more try before the pop.
            call.cardsPending = true
            actions.append(.readCards(callID: callID, customerIDs: identity.customers.map(\.id)))
        }
        calls[callID] = call
        if call.final == nil, !identity.customers.isEmpty, let record = tracker.record(callID) {
            // Link the customers to the live row now (the writes before the lookup could not).
            actions.append(.write(entry(record, at: Date())))
        }
        release(callID, into: &actions)
        recard(callID, into: &actions)
    }

    /// Pops that went out before the caller was known (their hold ran out on a slow database) get the
    /// card when it comes, while the phone still rings: the same ringing pop again, now with customers.
    mutating func recard(_ callID: String, into actions: inout [Action]) {
        guard var call = calls[callID], let cards = call.identity?.cards, !cards.isEmpty, let record = tracker.record(callID) else { return }
        for (agentID, pop) in call.ringing.sorted(by: { $0.key < $1.key }) where pop.customers.isEmpty {
            let updated = screenPop(record, identity: call.identity, at: pop.ringingSince ?? Date())
            call.ringing[agentID] = updated
            actions.append(.publish(updated, agentID: agentID, since: nil))
        }
        calls[callID] = call
    }

    private mutating func startRecording(_ record: CallRecord, into actions: inout [Action]) {
        guard let channel = record.callerChannel, let path = configuration.recordingPath(pbx: pbx, linkedID: record.linkedID) else { return }
        var call = calls[record.linkedID] ?? CallState()
        guard call.recording == nil, !call.recordingPending else { return }
        call.recordingPending = true
        calls[record.linkedID] = call
        actions.append(.startRecording(callID: record.linkedID, channel: channel, path: path))
    }

    // MARK: Holding and releasing

    /// Queues a pop message behind the call's lookup, or sends it now when nothing is outstanding.
    private mutating func hold(_ pop: HeldPop, for callID: String, into actions: inout [Action]) {
        var call = calls.take(callID) ?? CallState()
        if pop.isRing, let identity = call.identity, identity.cards == nil, !identity.customers.isEmpty, !call.cardsPending {
            // The lookup found the customers but could not read their cards: one more try before the pop.
            call.cardsPending = true
            actions.append(.readCards(callID: callID, customerIDs: identity.customers.map(\.id)))
        }
        if call.waitsForIdentity || !call.held.isEmpty {
            if call.held.isEmpty { call.heldSince = now }
            call.held.append(pop)
            calls[callID] = call
            return
        }
        send(pop, call: &call, into: &actions)
        calls[callID] = call
    }

    /// Sends what the call holds once nothing holds it (or `force`, or `forcePops` for the pops alone),
    /// and writes its final record then.
    private mutating func release(_ callID: String, force: Bool = false, forcePops: Bool = false, into actions: inout [Action]) {
        guard var call = calls.take(callID) else { return }
        if force || forcePops || !call.waitsForIdentity {
            for pop in call.held { send(pop, call: &call, into: &actions) }
            call.held.removeAll()
            call.heldSince = nil
        }
        if let final = call.final, force || (call.held.isEmpty && !call.waitsForIdentity && !call.recordingPending) {
            calls[callID] = call
            actions.append(.write(entry(final.record, at: final.at)))
            calls[callID] = nil
            return
        }
        calls[callID] = call
    }

    /// Held messages and final writes past their limits go out.
    private mutating func expire(into actions: inout [Action]) {
        for callID in calls.holding.sorted() {
            guard let call = calls[callID] else { continue }
            if let since = call.heldSince, now - since >= configuration.popHoldLimit {
                // The pops go without their card; the final record still waits for the lookup (up to
                // its own limit), so a call that ended meanwhile is not written without its customer.
                release(callID, forcePops: true, into: &actions)
            }
            if let since = call.finalSince, now - since >= configuration.finalHoldLimit {
                release(callID, force: true, into: &actions)
            }
        }
    }
}

extension CallCoordinator.HeldPop {
    var isRing: Bool { if case .ring = self { true } else { false } }
}
