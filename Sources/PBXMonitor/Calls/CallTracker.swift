import AMI
import Foundation
import Telephony
import Vocabulary

/// Folds one PBX's AMI events into calls: legs grouped by `Linkedid`, direction from contexts,
/// queue, agents rung and the one who answered, hold and talk time, and a result when the last
/// leg hangs up. A value type without I/O: feed it events, act on its outputs.
public struct CallTracker: Sendable {
    /// What the owner should do after an event.
    public enum Output: Sendable, Hashable {
        /// A call's first leg appeared: the moment to write its live row.
        case started(CallRecord)
        /// The call's outside number became known or changed (a caller ID set after the first leg
        /// appeared): the moment to find out who it is, well before an agent rings.
        case identified(CallRecord)
        /// An agent's device started ringing for a call: the moment to screen-pop.
        case agentRinging(agent: AgentRef, call: CallRecord)
        /// The agent's device stopped ringing without an answer (the queue tries the next member).
        case agentStoppedRinging(agent: AgentRef, call: CallRecord)
        case answered(agent: AgentRef?, call: CallRecord)
        /// The call's last leg is gone: the final record.
        case finished(CallRecord)
    }

    private struct Tracked {
        var record: CallRecord
        var live: Set<String> = []
        var firstLeg: String
        var abandoned = false
        /// The caller reached voicemail (the dialplan's `UserEvent(CallDesk,Result: voicemail)`, or
        /// `VoiceMail` seen running when dialplan events are on).
        var voicemail = false
        var originateReason: Int?
        var lastSeen: Date
        /// When the first transfer to another agent was answered: talk from then on has no `AgentComplete`.
        var transferredAt: Date?

        /// `agent` took the call: the first to do so is the one who answered.
        mutating func connect(_ agent: AgentRef, at time: Date) {
            if record.answeredBy != nil, transferredAt == nil, !record.connectedAgents.contains(where: { $0.device == agent.device }) {
                transferredAt = time
            }
            record.answeredBy = record.answeredBy ?? agent
            record.answerAt = record.answerAt ?? time
            if !record.connectedAgents.contains(where: { $0.device == agent.device }) { record.connectedAgents.append(agent) }
        }

        /// The record as final at `time`: its end, and the talk after a transfer added to the talk time.
        func ended(at time: Date) -> CallRecord {
            var final = record
            // A call ends after it was answered: a last sign of life read before the answer's event
            // (closing at the resync) must not put the end first.
            let time = max(time, record.answerAt ?? time, record.ringAt ?? time)
            final.endAt = time
            if let transferredAt { final.talkTime = (record.talkTime ?? 0) + max(0, Int(time.timeIntervalSince(transferredAt))) }
            return final
        }
    }

    public let pbx: String
    public let configuration: CallTrackerConfiguration
    private var calls: [String: Tracked] = [:]
    private var callOfLeg: [String: String] = [:]

    public init(pbx: String, configuration: CallTrackerConfiguration = CallTrackerConfiguration()) {
        self.pbx = pbx
        self.configuration = configuration
    }

    /// Calls with at least one live leg.
    public var liveCalls: [CallRecord] { calls.values.map(\.record).sorted { $0.linkedID < $1.linkedID } }

    /// How many calls have at least one live leg.
    public var liveCallCount: Int { calls.count }

    /// The live call with this `Linkedid`, as tracked so far.
    public func record(_ linkedID: String) -> CallRecord? { calls[linkedID]?.record }

    /// Whether the call with this `Linkedid` is being tracked.
    public func tracks(_ linkedID: String) -> Bool { calls[linkedID] != nil }

    /// Applies one event; `receivedAt` is used when the event has no `Timestamp`.
    public mutating func handle(_ message: AMIMessage, receivedAt: Date) -> [Output] {
        // A good third of a busy PBX's events are about devices, queue members and the manager
        // session, not about a call: they leave every call as it is, and cost no field read.
        let event = TrackedEvent(message)
        if case .ignored = event { return [] }
        let time = message.timestamp ?? receivedAt
        if let id = message["Linkedid"] ?? message["Uniqueid"].flatMap({ callOfLeg[$0] }), let index = calls.index(forKey: id),
           calls.values[index].lastSeen < time {
            calls.values[index].lastSeen = time
        }
        // The switch below knows the event's kind: its views are made unchecked.
        switch event {
        case .newchannel:
            return newChannel(AMIChannelSnapshot(message), at: time)
        case .newCallerID, .newstate:
            return update(AMIChannelSnapshot(message), at: time, stateChange: event == .newstate)
        case .queueCallerJoin:
            withCall(of: message) { call in
                call.record.queue = message["Queue"]
                call.record.queuePosition = message["Position"].flatMap { Int($0) }
            }
        case .agentCalled:
            let event = AgentCalledEvent(unchecked: message)
            return ringing(agent(event), channel: event.channel, at: time)
        case .dialBegin:
            return dialBegin(message, at: time)
        case .dialEnd:
            return dialEnd(message, at: time)
        case .agentConnect:
            let event = AgentConnectEvent(unchecked: message)
            guard let id = event.channel.linkedID else { return [] }
            let agent = agent(event)
            return mutate(id) { call in
                call.connect(agent, at: time)
                call.record.holdTime = call.record.holdTime ?? event.holdTime
                return [.answered(agent: agent, call: call.record)]
            } ?? []
        case .agentRingNoAnswer:
            let event = AgentRingNoAnswerEvent(unchecked: message)
            guard let id = event.channel.linkedID, let call = calls[id] else { return [] }
            return [.agentStoppedRinging(agent: agent(event), call: call.record)]
        case .agentComplete:
            if let talk = AgentCompleteEvent(unchecked: message).talkTime {
                withCall(of: message) { $0.record.talkTime = ($0.record.talkTime ?? 0) + talk }
            }
        case .queueCallerAbandon:
            withCall(of: message) { call in
                call.abandoned = true
                call.record.holdTime = QueueCallerAbandonEvent(unchecked: message).holdTime
            }
        case .originateResponse:
            if let uniqueID = message["Uniqueid"], let id = callOfLeg[uniqueID], let reason = OriginateResponseEvent(unchecked: message).reason {
                calls[id]?.originateReason = reason
            }
        case .userEvent:
            if message.value(of: "UserEvent", is: "CallDesk"), message["Result"] == CallResult.voicemail.rawValue {
                withCall(of: message) { $0.voicemail = true }
            }
        case .newexten:
            if message.value(of: "Application", is: "voicemail", ignoringCase: true) { withCall(of: message) { $0.voicemail = true } }
        case .varSet:
            if message.value(of: "Variable", is: "CALLDESK_TASK"), let value = message["Value"] { withCall(of: message) { $0.record.taskTag = value } }
        case .hangup:
            return hangup(message, at: time)
        case .ignored, .other:
            break
        }
        return []
    }

    /// After a reconnect: calls none of whose legs are in `liveUniqueIDs` (from `CoreShowChannels`)
    /// are closed at the last time they were seen and flagged `closedByResync`.
    public mutating func reconcile(liveUniqueIDs: Set<String>) -> [Output] {
        var outputs: [Output] = []
        for (id, call) in calls.sorted(by: { $0.key < $1.key }) where call.live.isDisjoint(with: liveUniqueIDs) {
            var record = call.ended(at: call.lastSeen)
            record.closedByResync = true
            record.result = result(of: call)
            outputs.append(.finished(record))
            remove(id)
        }
        for (id, call) in calls {
            calls[id]?.live = call.live.intersection(liveUniqueIDs)
        }
        return outputs
    }

    /// Takes up calls from a channel listing (`CoreShowChannel` items) after a (re)connect: legs not
    /// yet tracked start being tracked; `known` gives what was already recorded about a call (after a
    /// restart, from the call log), so its answer and agent are not forgotten. An agent's leg found
    /// up means the call was answered while nobody was watching, whether or not its legs were tracked
    /// before. Returns `.started` for each call taken up and `.answered` for each tracked call found
    /// answered. Follow with `reconcile` to close the calls that are gone.
    public mutating func adopt(channels: [AMIMessage], known: [String: CallRecord] = [:], at time: Date) -> [Output] {
        var outputs: [Output] = []
        for item in channels {
            let snapshot = AMIChannelSnapshot(item)
            guard let uniqueID = snapshot.uniqueID else { continue }
            let tracked = callOfLeg[uniqueID]
            let linkedID = tracked ?? snapshot.linkedID ?? uniqueID
            let isNew = calls[linkedID] == nil
            if tracked == nil {
                if isNew, let seed = known[linkedID] {
                    calls[linkedID] = Tracked(record: seed, firstLeg: seed.legs.first ?? uniqueID, lastSeen: time)
                }
                _ = newChannel(snapshot, at: time)
                if isNew, known[linkedID] == nil, let seconds = item["Duration"].flatMap(Self.seconds(fromDuration:)) {
                    calls[linkedID]?.record.ringAt = time.addingTimeInterval(-seconds)
                }
            }
            if snapshot.state == 6, isAgentLeg(snapshot), let name = snapshot.name, var call = calls[linkedID], call.record.answeredBy == nil,
               call.firstLeg != uniqueID {
                let agent = AgentRef(extension: DeviceName.extension(of: name), memberName: nil, device: name)
                call.connect(agent, at: time)
                calls[linkedID] = call
                if !isNew { outputs.append(.answered(agent: agent, call: call.record)) }
            }
            if isNew, let record = calls[linkedID]?.record { outputs.append(.started(record)) }
        }
        return outputs
    }

    /// `HH:MM:SS` as in `CoreShowChannel`'s `Duration`.
    private static func seconds(fromDuration text: String) -> TimeInterval? {
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return TimeInterval(parts[0] * 3600 + parts[1] * 60 + parts[2])
    }

    // MARK: Events

    /// The task and number of a call CallDesk dialled, from its account code (`calldesk:42:13800138000`, `calldesk:-:…`).
    public static func dialTag(_ accountCode: String?) -> (task: String?, number: String)? {
        guard let code = accountCode, code.hasPrefix("calldesk:") else { return nil }
        let parts = code.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[2].isEmpty else { return nil }
        return (parts[1] == "-" ? nil : String(parts[1]), String(parts[2]))
    }

    private mutating func newChannel(_ channel: AMIChannelSnapshot, at time: Date) -> [Output] {
        guard let uniqueID = channel.uniqueID else { return [] }
        guard callOfLeg[uniqueID] == nil else { return update(channel, at: time, stateChange: false) }
        let linkedID = channel.linkedID ?? uniqueID
        var outputs: [Output] = []
        if calls[linkedID] == nil {
            let context = channel.context ?? ""
            // A call CallDesk dialled (one-click dial) says so in its account code: `calldesk:<task>:<number>`.
            let dialled = Self.dialTag(channel.accountCode)
            let direction: CallDirection = dialled != nil ? .outbound : configuration.inboundContexts.contains(context) ? .inbound
                : configuration.outboundContexts.contains(context) ? .outbound : .internal
            var record = CallRecord(pbx: pbx, linkedID: linkedID, direction: direction)
            record.ringAt = time
            if direction == .outbound { record.externalNumber = dialled?.number ?? channel.exten }
            if let task = dialled?.task { record.taskTag = task }
            record.callerChannel = channel.name
            calls[linkedID] = Tracked(record: record, firstLeg: uniqueID, lastSeen: time)
            outputs.append(.started(record))
        }
        calls[linkedID]?.live.insert(uniqueID)
        calls[linkedID]?.record.legs.append(uniqueID)
        calls[linkedID]?.lastSeen = time
        callOfLeg[uniqueID] = linkedID
        var updates = update(channel, at: time, stateChange: false)
        if case .started = outputs.first, let record = calls[linkedID]?.record {
            // The first leg already carries the number: `started` has it, no separate `identified`.
            outputs[0] = .started(record)
            updates.removeAll { if case .identified = $0 { true } else { false } }
        }
        return outputs + updates
    }

    private mutating func update(_ channel: AMIChannelSnapshot, at time: Date, stateChange: Bool) -> [Output] {
        guard let uniqueID = channel.uniqueID, let id = callOfLeg[uniqueID] else { return [] }
        let configuration = configuration
        return mutate(id) { call in
            call.lastSeen = time
            var outputs: [Output] = []
            let context = channel.context ?? ""
            if call.record.direction == .inbound, configuration.inboundContexts.contains(context),
               let number = channel.callerIDNumber, number != "<unknown>", !number.isEmpty {
                let changed = call.record.externalNumber != number
                call.record.externalNumber = number
                call.record.externalName = channel.callerIDName.flatMap { $0 == "<unknown>" ? nil : $0 }
                if changed { outputs.append(.identified(call.record)) }
            }
            // An outbound call is answered when the dialled side (outside the originating leg) comes up.
            if stateChange, channel.state == 6, call.record.direction == .outbound, call.record.answerAt == nil,
               uniqueID != call.firstLeg, configuration.outboundContexts.contains(context) {
                call.record.answerAt = time
                outputs.append(.answered(agent: nil, call: call.record))
            }
            return outputs
        } ?? []
    }

    private mutating func ringing(_ agent: AgentRef, channel: AMIChannelSnapshot, at time: Date) -> [Output] {
        guard let id = channel.linkedID else { return [] }
        return mutate(id) { call in
            // One agent once: a queue member's interface (`Local/1001@agents/n`) and its channel
            // (`Local/1001@agents-00000001;1`) name the same agent, seen by AgentCalled and by DialBegin.
            if !call.record.agentsRung.contains(where: { $0.device == agent.device || ($0.extension != nil && $0.extension == agent.extension) }) {
                call.record.agentsRung.append(agent)
            }
            call.lastSeen = time
            return [.agentRinging(agent: agent, call: call.record)]
        } ?? []
    }

    /// A direct dial to an agent's device (not through a queue) pops too, and so does a dial after
    /// the call was answered: a transfer to another agent (the queue dials nobody after its answer).
    private mutating func dialBegin(_ message: AMIMessage, at time: Date) -> [Output] {
        let destination = AMIChannelSnapshot(message, prefix: "Dest")
        guard let linkedID = destination.linkedID, let call = calls[linkedID], call.record.queue == nil || call.record.answeredBy != nil,
              let device = destination.name, isAgentLeg(destination) else { return [] }
        return ringing(AgentRef(extension: DeviceName.extension(of: device), memberName: nil, device: device), channel: destination, at: time)
    }

    private mutating func dialEnd(_ message: AMIMessage, at time: Date) -> [Output] {
        let destination = AMIChannelSnapshot(message, prefix: "Dest")
        guard message.value(of: "DialStatus", is: "ANSWER"), let linkedID = destination.linkedID, let call = calls[linkedID],
              call.record.queue == nil || call.record.answeredBy != nil, let device = destination.name, isAgentLeg(destination) else { return [] }
        let agent = AgentRef(extension: DeviceName.extension(of: device), memberName: nil, device: device)
        // A transfer keeps the agent who took the call; the one it moved to joins the agents connected.
        return mutate(linkedID) { call in
            call.connect(agent, at: time)
            return [.answered(agent: agent, call: call.record)]
        } ?? []
    }

    /// A leg on an agent's device: in an agent context, or a SIP device outside the trunks' inbound
    /// and outbound contexts (a trunk's channel is `PJSIP/…` too).
    private func isAgentLeg(_ channel: AMIChannelSnapshot) -> Bool {
        let context = channel.context ?? ""
        if configuration.agentContexts.contains(context) { return true }
        if configuration.inboundContexts.contains(context) || configuration.outboundContexts.contains(context) { return false }
        return channel.name.map { $0.hasPrefix("PJSIP/") || $0.hasPrefix("SIP/") } ?? false
    }

    private mutating func hangup(_ message: AMIMessage, at time: Date) -> [Output] {
        guard let uniqueID = message["Uniqueid"], let id = callOfLeg[uniqueID], calls[id] != nil else { return [] }
        callOfLeg[uniqueID] = nil
        let cause = HangupEvent(unchecked: message).cause
        let lastLeg = mutate(id) { call in
            call.live.remove(uniqueID)
            call.lastSeen = time
            if uniqueID == call.firstLeg || call.record.hangupCause == nil || call.record.hangupCause == 0 {
                if let cause, cause != 0 || call.record.hangupCause == nil { call.record.hangupCause = cause }
            }
            return call.live.isEmpty
        } ?? false
        guard lastLeg, let call = calls[id] else { return [] }
        var record = call.ended(at: time)
        record.result = result(of: call)
        remove(id)
        return [.finished(record)]
    }

    private func result(of call: Tracked) -> CallResult {
        let record = call.record
        if record.answeredBy != nil || (record.direction != .inbound && record.answerAt != nil) { return .answered }
        if call.voicemail { return .voicemail }
        if call.abandoned { return .abandoned }
        if record.direction == .inbound { return .noAnswer }
        if let reason = call.originateReason, reason != 4 { return CallResult(originateReason: reason) }
        return CallResult(unansweredCause: record.hangupCause ?? 0)
    }

    private mutating func remove(_ id: String) {
        if let call = calls.removeValue(forKey: id) {
            for leg in call.record.legs { callOfLeg[leg] = nil }
        }
    }

    private mutating func withCall(of message: AMIMessage, _ change: (inout Tracked) -> Void) {
        let linked = message["Linkedid"] ?? message["Uniqueid"].flatMap { callOfLeg[$0] }
        guard let id = linked else { return }
        _ = mutate(id, change)
    }

    /// Changes the tracked call in place (no copy of its arrays); `nil` when it is not tracked.
    @inline(__always)
    private mutating func mutate<T>(_ id: String, _ body: (inout Tracked) -> T) -> T? {
        guard let index = calls.index(forKey: id) else { return nil }
        return body(&calls.values[index])
    }

    private func agent(_ event: some AMIAgentEvent) -> AgentRef {
        let device = event.interface ?? event.agentChannel.name ?? "?"
        return AgentRef(extension: DeviceName.extension(of: device) ?? event.agentChannel.name.flatMap(DeviceName.extension(of:)),
                        memberName: event.memberName, device: device)
    }
}
