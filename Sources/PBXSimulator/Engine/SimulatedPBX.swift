import AMI
import Foundation
import NIOCore

/// The simulated Asterisk core: channels and Local pairs, queues (ringall / rrmemory) with
/// members that pause and answer, bridges, originate outcomes, hangups from either side and
/// MixMonitor, emitting AMI events with the fields and order of a real Asterisk (the captures).
///
/// All state is confined to `eventLoop`; every method must be called on it.
public final class SimulatedPBX: @unchecked Sendable {
    public let eventLoop: any EventLoop
    public private(set) var configuration: SimulatorConfiguration
    var channels: [String: SimChannel] = [:]
    var queues: [String: SimQueue] = [:]
    private var queueOrder: [String] = []
    private var listeners: [Int: (AMIMessage) -> Void] = [:]
    var ariListeners: [Int: (app: String, send: (String) -> Void)] = [:]
    var nextARIListener = 0
    var ariBridges: [String: SimARIBridge] = [:]
    /// Work to do when an ARI client answers a channel (keyed by Uniqueid).
    var onAnswer: [String: () -> Void] = [:]
    private var nextListener = 0
    private var localSequence = 0
    private var cachedCdrFormatter: DateFormatter?
    private var uniqueCounter = 0
    /// MixMonitor actions answered so far (for `mixMonitorReplyDelays`).
    var mixMonitorActions = 0
    private let epoch = Int(Date().timeIntervalSince1970)
    /// Counters for tests and the traffic generator.
    public private(set) var stats = Stats()

    /// What happened so far.
    public struct Stats: Sendable, Hashable {
        public var callsStarted = 0
        public var callsAnswered = 0
        public var callsAbandoned = 0
        public var channelsHungUp = 0
    }

    public init(configuration: SimulatorConfiguration, eventLoop: any EventLoop) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        uniqueCounter = configuration.firstUniqueSequence
        let now = Int(Date().timeIntervalSince1970)
        for queue in configuration.queues {
            queues[queue.name] = SimQueue(
                name: queue.name, strategy: SimQueue.Strategy(rawValue: queue.strategy) ?? .ringall,
                ringTimeout: queue.ringTimeout, retry: queue.retry,
                members: queue.members.map { member in
                    SimQueueMember(interface: member.interface, name: member.name, membership: "static", penalty: 0,
                                   loginTime: now, behaviour: behaviour(forInterface: member.interface))
                })
            queueOrder.append(queue.name)
        }
    }

    // MARK: Listeners and time

    /// Registers a receiver of every event; returns a handle for `unsubscribe`.
    func subscribe(_ listener: @escaping (AMIMessage) -> Void) -> Int {
        nextListener += 1
        listeners[nextListener] = listener
        return nextListener
    }

    /// Calls `observer` with every event as it is emitted, on the PBX's event loop (benchmarks time
    /// events from here).
    public func observe(_ observer: @escaping @Sendable (AMIMessage) -> Void) async {
        try? await eventLoop.submit { _ = self.subscribe(observer) }.get()
    }

    func unsubscribe(_ id: Int) {
        listeners[id] = nil
    }

    func emit(_ event: String, privilege: String = "call,all", _ fields: [(String, String)]) {
        guard !configuration.hiddenEvents.contains(event) else { return }
        let message = AMIMessage(headers: [("Event", event), ("Privilege", privilege), ("Timestamp", Self.timestamp())] + fields)
        for listener in listeners.values { listener(message) }
    }

    static func timestamp() -> String {
        String(format: "%.6f", Date().timeIntervalSince1970)
    }

    /// Runs `body` after `seconds` of simulated time.
    func after(_ seconds: Double, _ body: @escaping () -> Void) {
        let nanos = Int64(max(0, seconds * configuration.timeScale) * 1e9)
        eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanos)) { body() }
    }

    /// Runs `body` after `seconds` of simulated time unless `channel` has hung up by then.
    func after(_ seconds: Double, unlessGone channel: SimChannel, _ body: @escaping () -> Void) {
        let nanos = Int64(max(0, seconds * configuration.timeScale) * 1e9)
        let id = channel.nextTimer
        channel.nextTimer += 1
        channel.timers[id] = eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanos)) { [weak channel] in
            channel?.timers[id] = nil
            body()
        }
    }

    func nextUniqueID() -> String {
        defer { uniqueCounter += 1 }
        return "\(epoch).\(uniqueCounter)"
    }

    func behaviour(forInterface interface: String) -> SimulatorConfiguration.AgentBehaviour {
        configuration.agents[Self.extensionOf(interface)] ?? configuration.defaultAgent
    }

    static func extensionOf(_ interface: String) -> String {
        let afterSlash = interface.split(separator: "/").dropFirst().first.map(String.init) ?? interface
        return String(afterSlash.split(separator: "@").first ?? Substring(afterSlash))
    }

    // MARK: Channels

    /// Creates a Local channel pair `Local/exten@context-XXXXXXXX;1/;2` and announces both.
    /// `ids` are the ARI `channelId` / `otherChannelId` (Asterisk makes them the Uniqueids).
    func makeLocalPair(exten: String, context: String, firstLegExten: String? = nil, linkedID: String?,
                       ids: (String?, String?) = (nil, nil), accountCode: String = "") -> (SimChannel, SimChannel) {
        let base = "Local/\(exten)@\(context)-\(String(format: "%08x", localSequence))"
        localSequence += 1
        let now = Date()
        let firstID = ids.0 ?? nextUniqueID()
        let secondID = ids.1 ?? nextUniqueID()
        let linked = linkedID ?? firstID
        let one = SimChannel(name: base + ";1", uniqueID: firstID, linkedID: linked, state: .down, context: context,
                             exten: firstLegExten ?? exten, now: now)
        let two = SimChannel(name: base + ";2", uniqueID: secondID, linkedID: linked, state: .ring, context: context,
                             exten: exten, now: now)
        one.accountCode = accountCode
        two.accountCode = accountCode
        one.peer = two
        two.peer = one
        channels[one.name] = one
        channels[two.name] = two
        emit("Newchannel", one.block())
        emit("Newchannel", two.block())
        return (one, two)
    }

    func setState(_ channel: SimChannel, _ state: SimChannel.State) {
        guard channel.state != state, !channel.isGone else { return }
        channel.state = state
        if state == .up, channel.answeredAt == nil { channel.answeredAt = Date() }
        emit("Newstate", channel.block())
        emitARI("ChannelStateChange", about: channel)
    }

    /// Hangs up `channel` and, as Local channels do, its peer; queue and bridge roles are
    /// unwound first so the events come out as Asterisk orders them.
    /// `requestCause` is what ARI's ChannelHangupRequest reports (32 when an ARI client hung up);
    /// a Local `;2` whose `;1` an ARI client hung up asks twice, as its dialplan application returns.
    func hangup(_ channel: SimChannel, cause: Int = 16, requestCause: Int? = nil, secondRequest: Bool = false) {
        guard !channel.isGone else { return }
        if let (queue, caller) = waitingCaller(channel) {
            abandon(caller, in: queue)
        }
        emitARI("ChannelHangupRequest", about: channel, ["cause": requestCause ?? cause])
        if secondRequest { emitARI("ChannelHangupRequest", about: channel, ["cause": 16]) }
        if let ariBridge = channel.ariBridgeID { leaveARIBridge(ariBridge, channel) }
        let bridge = channel.bridgeID
        if let bridge { leaveBridge(bridge, channel) }
        channel.isGone = true
        for timer in channel.timers.values { timer.cancel() }
        channel.timers = [:]
        channels[channel.name] = nil
        stats.channelsHungUp += 1
        emit("Hangup", channel.block() + [("Cause", String(cause)), ("Cause-txt", Self.causeText(cause))])
        if channel.name.hasSuffix(";1") { emitCdr(for: channel, cause: cause) }
        if channel.stasisApp != nil { leaveStasis(channel) }
        emitARI("ChannelDestroyed", about: channel, ["cause": cause, "cause_txt": Self.causeText(cause)])
        if let bridge { dissolveBridge(bridge) }
        // A Local peer follows with the same cause, except when the dialled side (;2) was busy or
        // congested: Asterisk reports 0 for the originating side then.
        let peerCause = channel.name.hasSuffix(";2") && [17, 34].contains(cause) ? 0 : cause
        if let peer = channel.peer, !peer.isGone {
            hangup(peer, cause: peerCause, secondRequest: requestCause != nil && channel.name.hasSuffix(";1"))
        }
        onHangup[channel.name]?()
        onHangup[channel.name] = nil
    }

    /// Cdr times as Asterisk prints them; one formatter for the PBX (event-loop confined).
    private var cdrDateFormatter: DateFormatter {
        if let formatter = cachedCdrFormatter { return formatter }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        cachedCdrFormatter = formatter
        return formatter
    }

    /// Work to do when a channel goes (e.g. a member leg ending frees its agent).
    var onHangup: [String: () -> Void] = [:]

    static func causeText(_ cause: Int) -> String {
        switch cause {
        case 0: "Unknown"
        case 16: "Normal Clearing"
        case 17: "User busy"
        case 19: "User alerting, no answer"
        case 21: "Call Rejected"
        case 26: "Answered elsewhere"
        case 34: "Circuit/channel congestion"
        default: "Unknown"
        }
    }

    private func emitCdr(for channel: SimChannel, cause: Int) {
        let disposition: String = channel.answeredAt != nil ? "ANSWERED"
            : cause == 17 ? "BUSY" : cause == 34 ? "CONGESTION" : cause == 19 ? "NO ANSWER" : "FAILED"
        let formatter = cdrDateFormatter
        let end = Date()
        let duration = Int(end.timeIntervalSince(channel.createdAt))
        let billable = channel.answeredAt.map { Int(end.timeIntervalSince($0)) } ?? 0
        emit("Cdr", privilege: "cdr,all", [
            ("AccountCode", ""), ("Source", channel.callerIDNumber == "<unknown>" ? "" : channel.callerIDNumber),
            ("Destination", channel.exten), ("DestinationContext", channel.context),
            ("CallerID", channel.callerIDNumber == "<unknown>" ? "" : "\"\(channel.callerIDName)\" <\(channel.callerIDNumber)>"),
            ("Channel", channel.name), ("DestinationChannel", ""), ("LastApplication", channel.application),
            ("LastData", channel.applicationData), ("StartTime", formatter.string(from: channel.createdAt)),
            ("AnswerTime", channel.answeredAt.map { formatter.string(from: $0) } ?? ""), ("EndTime", formatter.string(from: end)),
            ("Duration", String(duration)), ("BillableSeconds", String(billable)), ("Disposition", disposition),
            ("AMAFlags", "DOCUMENTATION"), ("UniqueID", channel.uniqueID), ("UserField", ""),
        ])
    }

    // MARK: Bridges

    private(set) var bridges: [String: [SimChannel]] = [:]
    /// Bridges whose agent side is leaving by a blind transfer (their AgentComplete says `transfer`).
    var transferring: Set<String> = []

    static func bridgeFields(_ id: String, count: Int) -> [(String, String)] {
        [("BridgeUniqueid", id), ("BridgeType", "basic"), ("BridgeTechnology", "simple_bridge"), ("BridgeCreator", "<unknown>"),
         ("BridgeName", "<unknown>"), ("BridgeNumChannels", String(count)), ("BridgeVideoSourceMode", "none")]
    }

    func bridge(_ first: SimChannel, _ second: SimChannel) -> String {
        let id = UUID().uuidString.lowercased()
        emit("BridgeCreate", Self.bridgeFields(id, count: 0))
        bridges[id] = []
        for channel in [first, second] {
            channel.bridgeID = id
            bridges[id, default: []].append(channel)
            emit("BridgeEnter", Self.bridgeFields(id, count: bridges[id]!.count) + channel.block())
        }
        return id
    }

    /// The hanging-up channel leaves first (after the bridge's ending hook, e.g. AgentComplete).
    private func leaveBridge(_ id: String, _ channel: SimChannel) {
        bridgeEnding[id]?(channel)
        bridgeEnding[id] = nil
        bridges[id]?.removeAll { $0 === channel }
        channel.bridgeID = nil
        emit("BridgeLeave", Self.bridgeFields(id, count: bridges[id]?.count ?? 0) + channel.block())
    }

    /// `channel` leaves its bridge without hanging up (it is being transferred elsewhere).
    func takeOutOfBridge(_ channel: SimChannel) {
        guard let id = channel.bridgeID else { return }
        bridges[id]?.removeAll { $0 === channel }
        channel.bridgeID = nil
        emit("BridgeLeave", Self.bridgeFields(id, count: bridges[id]?.count ?? 0) + channel.block())
    }

    /// After one party has gone, the others leave, the bridge is destroyed and they hang up.
    private func dissolveBridge(_ id: String) {
        guard let remaining = bridges[id] else { return }
        for other in remaining {
            bridges[id]?.removeAll { $0 === other }
            other.bridgeID = nil
            emit("BridgeLeave", Self.bridgeFields(id, count: bridges[id]?.count ?? 0) + other.block())
        }
        bridges[id] = nil
        emit("BridgeDestroy", Self.bridgeFields(id, count: 0))
        for other in remaining where !other.isGone { hangup(other) }
    }

    /// Called with the channel that hung up, before the bridge comes apart (AgentComplete).
    var bridgeEnding: [String: (SimChannel) -> Void] = [:]

    func channel(named name: String) -> SimChannel? { channels[name] }

    /// Live channels in creation order.
    var liveChannels: [SimChannel] { channels.values.sorted { ($0.createdAt, $0.uniqueID) < ($1.createdAt, $1.uniqueID) } }

    func queue(named name: String) -> SimQueue? { queues[name] }

    var allQueues: [SimQueue] { queueOrder.compactMap { queues[$0] } }

    func waitingCaller(_ channel: SimChannel) -> (SimQueue, SimQueue.Caller)? {
        for queue in allQueues {
            if let caller = queue.callers.first(where: { $0.channel === channel }) { return (queue, caller) }
        }
        return nil
    }

    func count(started: Bool = false, answered: Bool = false, abandoned: Bool = false) {
        if started { stats.callsStarted += 1 }
        if answered { stats.callsAnswered += 1 }
        if abandoned { stats.callsAbandoned += 1 }
    }
}
