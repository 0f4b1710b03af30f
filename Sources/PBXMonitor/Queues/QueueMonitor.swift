import AMI
import Foundation
import Telephony

/// Folds one PBX's queue events into its queues (callers in line, members) and its agents (one
/// state each across every queue and direct call). A value type without I/O: load a `QueueStatus`
/// listing at start and after every reconnect, feed it events and clock ticks, and publish what
/// each returns as changed.
public struct QueueMonitor: Sendable {
    /// What an input changed, for the owner to publish.
    public enum Change: Sendable, Hashable {
        case queue(String)
        /// An agent, by member interface.
        case agent(String)
    }

    private struct Engagement: Sendable, Hashable {
        var queue: String?
        var caller: String?
        /// The caller's channel (`Uniqueid`): when it is answered or leaves, every agent it rang stops ringing.
        var callerChannel: String?
        var since: Date
    }

    public private(set) var queues: [String: MonitoredQueue] = [:]
    /// Agents rung and not yet answered or given up, by interface.
    private var ringing: [String: Engagement] = [:]
    /// Agents on a queue call, by interface, from `AgentConnect` to `AgentComplete`.
    private var talking: [String: Engagement] = [:]
    /// Agents in wrap-up after a queue call, by interface: since when and until when.
    private var wrapUps: [String: (since: Date, until: Date)] = [:]
    /// The state of each agent's own phone by extension (`DeviceStateChange` of `PJSIP/1001`): direct calls.
    private var devices: [String: (state: String, since: Date)] = [:]
    /// Queues whose last `QueueSummary` disagreed with the state events built (see `reconcile(summary:)`).
    var summarySuspects: Set<String> = []

    public init() {}

    // MARK: Inputs

    /// Replaces everything with a `QueueStatus` listing (`QueueParams`, `QueueMember`, `QueueEntry`).
    public mutating func load(status items: [AMIMessage], at now: Date) -> [Change] {
        let before = Set(queues.keys.map(Change.queue) + agentInterfaces.map(Change.agent))
        var fresh: [String: MonitoredQueue] = [:]
        for item in items {
            guard let name = item["Queue"] else { continue }
            var queue = fresh[name] ?? queues[name].map { MonitoredQueue(name: $0.name) } ?? MonitoredQueue(name: name)
            switch item.eventName {
            case "QueueMember":
                guard let interface = item["Location"] ?? item["Interface"] else { continue }
                let known = queues[name]?.members[interface]
                queue.members[interface] = member(from: item, interface: interface, nameField: "Name", known: known, at: now)
            case "QueueEntry":
                guard let id = item["Uniqueid"] else { continue }
                let wait = item["Wait"].flatMap(Double.init) ?? 0
                queue.callers.append(WaitingCaller(uniqueID: id, channel: item["Channel"], number: item["CallerIDNum"],
                                                   name: item["CallerIDName"].flatMap(Self.meaningful), position: item["Position"].flatMap(Int.init) ?? 0,
                                                   since: now.addingTimeInterval(-wait)))
            default:
                break
            }
            fresh[name] = queue
        }
        for name in fresh.keys { fresh[name]?.callers.sort { $0.position < $1.position } }
        queues = fresh
        summarySuspects = []
        let members = Set(fresh.values.flatMap { $0.members.keys })
        ringing = ringing.filter { members.contains($0.key) }
        talking = talking.filter { members.contains($0.key) }
        wrapUps = wrapUps.filter { members.contains($0.key) }
        return Array(before.union(queues.keys.map(Change.queue) + agentInterfaces.map(Change.agent)))
    }

    /// One AMI event; returns what it changed (nothing for events about other things).
    public mutating func handle(_ message: AMIMessage, at now: Date) -> [Change] {
        guard let event = message.eventName else { return [] }
        switch event {
        case "QueueCallerJoin": return callerJoined(message, at: now)
        case "QueueCallerLeave", "QueueCallerAbandon": return callerLeft(message) + stopRinging(for: message["Uniqueid"], except: nil)
        case "AgentCalled": return engage(message, into: \.ringing, at: now)
        case "AgentRingNoAnswer": return disengage(message, from: \.ringing)
        case "AgentConnect":
            // Ringall: the others rung for this caller stop ringing without an event of their own.
            var changes = stopRinging(for: message["Uniqueid"], except: message["Interface"])
            changes += disengage(message, from: \.ringing)
            changes += engage(message, into: \.talking, at: now)
            return changes
        case "AgentComplete": return completed(message, at: now)
        case "QueueMemberAdded", "QueueMemberStatus", "QueueMemberPause", "QueueMemberPaused", "QueueMemberPenalty", "QueueMemberRinginuse":
            return memberUpdated(message, at: now)
        case "QueueMemberRemoved": return memberRemoved(message)
        case "DeviceStateChange": return deviceChanged(message, at: now)
        default: return []
        }
    }

    /// Ends the wrap-ups that are over.
    public mutating func tick(at now: Date) -> [Change] {
        let over = wrapUps.filter { $0.value.until <= now }.map(\.key)
        for interface in over { wrapUps[interface] = nil }
        return over.map(Change.agent)
    }

    // MARK: Reading

    /// Every agent in a queue, or whose phone was seen, by interface.
    public var agentInterfaces: Set<String> {
        Set(queues.values.flatMap { $0.members.keys })
    }

    /// One agent now, by member interface; `nil` when it is in no queue.
    public func agent(_ interface: String, at now: Date) -> MonitoredAgent? {
        let memberships = queues.values.compactMap { queue in queue.members[interface].map { (queue.name, $0) } }.sorted { $0.0 < $1.0 }
        guard !memberships.isEmpty else { return nil }
        let ext = DeviceName.extension(of: interface)
        return MonitoredAgent(interface: interface, name: memberships.lazy.compactMap(\.1.name).first, extension: ext,
                              queues: memberships.map(\.0), activity: activity(interface, ext, memberships.map(\.1), at: now))
    }

    /// Every agent now, by interface.
    public func agents(at now: Date) -> [MonitoredAgent] {
        agentInterfaces.sorted().compactMap { agent($0, at: now) }
    }

    /// One state across queues and direct calls: on a call, then ringing, then paused, then wrap-up.
    private func activity(_ interface: String, _ ext: String?, _ members: [QueueMemberState], at now: Date) -> AgentActivity {
        let phone = ext.flatMap { devices[$0] }
        if let call = talking[interface] { return .onCall(caller: call.caller, queue: call.queue, since: call.since) }
        if let phone, ["INUSE", "BUSY", "ONHOLD", "RINGINUSE"].contains(phone.state) { return .onCall(caller: nil, queue: nil, since: phone.since) }
        if members.contains(where: { [2, 3, 7, 8].contains($0.status) || $0.inCall }) { return .onCall(caller: nil, queue: nil, since: now) }
        if let ring = ringing[interface] { return .ringing(queue: ring.queue, caller: ring.caller, since: ring.since) }
        if members.contains(where: { $0.status == 6 }) { return .ringing(queue: nil, caller: nil, since: now) }
        if let phone, phone.state == "RINGING" { return .ringing(queue: nil, caller: nil, since: phone.since) }
        if members.allSatisfy(\.paused) {
            return .paused(reason: members.lazy.compactMap(\.pausedReason).first, since: members.compactMap(\.pausedSince).min() ?? now)
        }
        if let wrap = wrapUps[interface], wrap.until > now { return .wrapUp(since: wrap.since) }
        if members.allSatisfy({ [4, 5].contains($0.status) }) || phone.map({ ["UNAVAILABLE", "INVALID"].contains($0.state) }) == true {
            return .loggedOut
        }
        return .available
    }

    // MARK: Events

    private mutating func callerJoined(_ message: AMIMessage, at now: Date) -> [Change] {
        guard let name = message["Queue"], let id = message["Uniqueid"] else { return [] }
        var queue = queues[name] ?? MonitoredQueue(name: name)
        queue.callers.removeAll { $0.uniqueID == id }
        queue.callers.append(WaitingCaller(uniqueID: id, channel: message["Channel"], number: message["CallerIDNum"],
                                           name: message["CallerIDName"].flatMap(Self.meaningful),
                                           position: message["Position"].flatMap(Int.init) ?? queue.callers.count + 1, since: message.timestamp ?? now))
        queue.callers.sort { $0.position < $1.position }
        queues[name] = queue
        return [.queue(name)]
    }

    private mutating func callerLeft(_ message: AMIMessage) -> [Change] {
        guard let name = message["Queue"], let id = message["Uniqueid"], var queue = queues[name] else { return [] }
        guard let index = queue.callers.firstIndex(where: { $0.uniqueID == id }) else { return [] }
        let position = queue.callers[index].position
        queue.callers.remove(at: index)
        // Those behind move up, as Asterisk moves them.
        for other in queue.callers.indices where queue.callers[other].position > position { queue.callers[other].position -= 1 }
        queues[name] = queue
        return [.queue(name)]
    }

    private mutating func engage(_ message: AMIMessage, into table: WritableKeyPath<QueueMonitor, [String: Engagement]>, at now: Date) -> [Change] {
        guard let interface = message["Interface"] else { return [] }
        var changes: [Change] = [.agent(interface)]
        // A member rung by a queue is in it, also when it joined before the last listing was read.
        if let name = message["Queue"], queues[name]?.members[interface] == nil {
            var queue = queues[name] ?? MonitoredQueue(name: name)
            queue.members[interface] = QueueMemberState(interface: interface, name: message["MemberName"].flatMap(Self.meaningful), paused: false,
                                                        pausedReason: nil, pausedSince: nil, status: 1, inCall: false, wrapUpSeconds: 0)
            queues[name] = queue
            changes.append(.queue(name))
        }
        self[keyPath: table][interface] = Engagement(queue: message["Queue"], caller: message["CallerIDNum"].flatMap(Self.meaningful),
                                                     callerChannel: message["Uniqueid"], since: message.timestamp ?? now)
        wrapUps[interface] = nil
        return changes
    }

    private mutating func disengage(_ message: AMIMessage, from table: WritableKeyPath<QueueMonitor, [String: Engagement]>) -> [Change] {
        guard let interface = message["Interface"], self[keyPath: table].removeValue(forKey: interface) != nil else { return [] }
        return [.agent(interface)]
    }

    private mutating func stopRinging(for caller: String?, except interface: String?) -> [Change] {
        guard let caller else { return [] }
        let stopped = ringing.filter { $0.value.callerChannel == caller && $0.key != interface }.map(\.key)
        for other in stopped { ringing[other] = nil }
        return stopped.map(Change.agent)
    }

    private mutating func completed(_ message: AMIMessage, at now: Date) -> [Change] {
        guard let interface = message["Interface"] else { return [] }
        talking[interface] = nil
        let time = message.timestamp ?? now
        let wrap = message["Queue"].flatMap { queues[$0]?.members[interface]?.wrapUpSeconds } ?? 0
        if wrap > 0 { wrapUps[interface] = (time, time.addingTimeInterval(TimeInterval(wrap))) }
        return [.agent(interface)]
    }

    private mutating func memberUpdated(_ message: AMIMessage, at now: Date) -> [Change] {
        guard let name = message["Queue"], let interface = message["Interface"] else { return [] }
        var queue = queues[name] ?? MonitoredQueue(name: name)
        queue.members[interface] = member(from: message, interface: interface, nameField: "MemberName", known: queue.members[interface], at: now)
        queues[name] = queue
        return [.queue(name), .agent(interface)]
    }

    private mutating func memberRemoved(_ message: AMIMessage) -> [Change] {
        guard let name = message["Queue"], let interface = message["Interface"], queues[name]?.members.removeValue(forKey: interface) != nil else { return [] }
        if !queues.values.contains(where: { $0.members[interface] != nil }) {
            ringing[interface] = nil
            talking[interface] = nil
            wrapUps[interface] = nil
        }
        return [.queue(name), .agent(interface)]
    }

    private mutating func deviceChanged(_ message: AMIMessage, at now: Date) -> [Change] {
        // Only phones (`PJSIP/1001`), not the queue's own pause devices (`Queue:hotline_pause_…`).
        guard let device = message["Device"], !device.hasPrefix("Queue:"), let ext = DeviceName.extension(of: device), let state = message["State"] else {
            return []
        }
        guard devices[ext]?.state != state else { return [] }
        devices[ext] = (state, message.timestamp ?? now)
        return agentInterfaces.filter { DeviceName.extension(of: $0) == ext }.map(Change.agent)
    }

    private func member(from message: AMIMessage, interface: String, nameField: String, known: QueueMemberState?, at now: Date) -> QueueMemberState {
        let paused = message["Paused"] == "1"
        let pausedSince: Date? = paused ? (known?.paused == true ? known?.pausedSince : nil)
            ?? message["LastPause"].flatMap(Double.init).flatMap { $0 > 0 ? Date(timeIntervalSince1970: $0) : nil } ?? message.timestamp ?? now : nil
        return QueueMemberState(interface: interface, name: message[nameField].flatMap(Self.meaningful) ?? known?.name, paused: paused,
                                pausedReason: paused ? message["PausedReason"].flatMap(Self.meaningful) : nil, pausedSince: pausedSince,
                                status: message["Status"].flatMap(Int.init) ?? known?.status ?? 1, inCall: message["InCall"] == "1",
                                wrapUpSeconds: message["Wrapuptime"].flatMap(Int.init) ?? known?.wrapUpSeconds ?? 0)
    }

    private static func meaningful(_ text: String) -> String? {
        text.isEmpty || text == "<unknown>" ? nil : text
    }
}
