import CRM
import Foundation
import PBXMonitor
import Telephony

/// What the monitor shows beside Asterisk's state: who the agents are in the CRM, today's figures,
/// callers' names; and the boards made of them. A value the service's loop owns.
struct MonitorBoards: Sendable {
    let pbx: String
    let configuration: MonitorConfiguration
    var directory: AgentDirectory
    var monitor = QueueMonitor()
    private var figures: [String: QueueFigures] = [:]
    private var agentCounts: [Int: (calls: Int, talkTime: Int)] = [:]
    private var pauseSeconds: [Int: Int] = [:]
    /// Whether each agent (by interface) was paused when last published: its pauses are recorded on change.
    private var wasPaused: [String: Bool] = [:]
    private var abandoned: [String: [QueueBoard.Abandoned]] = [:]
    /// Callers' names by number (`nil`: looked up, not a customer); absent: not looked up yet.
    private var names: [String: String?] = [:]
    private var asked: Set<String> = []
    /// Paused agents already flagged as over their code's limit.
    private var flagged: Set<String> = []

    init(pbx: String, configuration: MonitorConfiguration, directory: AgentDirectory) {
        self.pbx = pbx
        self.configuration = configuration
        self.directory = directory
    }

    /// Numbers waiting in the queues that `changes` name whose customer has not been looked up; each
    /// is returned once. Only those queues are read: a busy centre's lines hold thousands, and the
    /// monitor takes dozens of inputs a second.
    mutating func unnamed(in changes: Set<QueueMonitor.Change>) -> [String] {
        var fresh: [String] = []
        for change in changes {
            guard case .queue(let name) = change, let queue = monitor.queues[name] else { continue }
            for caller in queue.callers {
                if let number = caller.number, asked.insert(number).inserted { fresh.append(number) }
            }
        }
        if asked.count > 10_000 { asked = Set(monitor.queues.values.flatMap { $0.callers.compactMap(\.number) }) }
        return fresh.sorted()
    }

    mutating func name(_ number: String, _ name: String?) -> Set<QueueMonitor.Change> {
        names[number] = .some(name)
        if names.count > 10_000 {
            // One pass over the lines, not one per name kept (10,000 names × 2,500 callers).
            let waiting = Set(monitor.queues.values.flatMap { $0.callers.compactMap(\.number) })
            names = names.filter { waiting.contains($0.key) }
        }
        return Set(monitor.queues.values.filter { $0.callers.contains { $0.number == number } }.map { .queue($0.name) })
    }

    mutating func take(queues: [String: QueueFigures], agents: [Int: (calls: Int, talkTime: Int)], pauses: [Int: Int],
                       abandoned calls: [AbandonedCall]) -> Set<QueueMonitor.Change> {
        let fresh = Dictionary(grouping: calls, by: \.queue).mapValues { calls in
            calls.map { QueueBoard.Abandoned(callId: $0.id, caller: $0.caller, at: $0.ringAt, waited: $0.holdTime, taskId: $0.taskId,
                                             calledBack: $0.taskStatus == .done) }
        }
        var changes = Set<QueueMonitor.Change>()
        if queues != figures || fresh != abandoned {
            changes.formUnion(Set(queues.keys).union(figures.keys).union(monitor.queues.keys).map(QueueMonitor.Change.queue))
        }
        let before = agentCounts, pausedBefore = pauseSeconds
        pauseSeconds = pauses
        figures = queues
        abandoned = fresh
        agentCounts = agents
        for interface in monitor.agentInterfaces {
            guard let user = user(of: interface) else { continue }
            if before[user]?.calls != agents[user]?.calls || before[user]?.talkTime != agents[user]?.talkTime || pausedBefore[user] != pauses[user] {
                changes.insert(.agent(interface))
            }
        }
        return changes.filter { if case .queue(let name) = $0 { monitor.queues[name] != nil || figures[name] != nil } else { true } }
    }

    /// Pauses that have just passed their code's limit (the wallboard colours them).
    mutating func overLimitChanges(at now: Date) -> Set<QueueMonitor.Change> {
        var changes = Set<QueueMonitor.Change>()
        for agent in monitor.agents(at: now) {
            let over = isOverLimit(agent.activity, at: now)
            if over != flagged.contains(agent.interface) {
                if over { flagged.insert(agent.interface) } else { flagged.remove(agent.interface) }
                changes.insert(.agent(agent.interface))
            }
        }
        return changes
    }

    func user(of interface: String) -> Int? {
        DeviceName.extension(of: interface).flatMap { directory.agent(extension: $0)?.userID }
    }

    func team(of interface: String) -> Int? {
        DeviceName.extension(of: interface).flatMap { directory.agent(extension: $0)?.teamID }
    }

    func queueBoard(_ name: String) -> QueueBoard? {
        let queue = monitor.queues[name] ?? MonitoredQueue(name: name)
        guard monitor.queues[name] != nil || figures[name] != nil else { return nil }
        let callers = queue.callers.map { caller in
            QueueBoard.Caller(position: caller.position, number: caller.number,
                              name: caller.number.flatMap { names[$0] ?? nil } ?? caller.name, waitingSince: caller.since)
        }
        return QueueBoard(event: "queue", pbx: pbx, queue: name, callers: callers, longestWaitSince: queue.callers.map(\.since).min(),
                          members: queue.members.count, figures: figures[name], abandoned: abandoned[name] ?? [])
    }

    func agentBoard(_ interface: String, at now: Date = Date()) -> AgentBoard {
        let agent = monitor.agent(interface, at: now)
        let user = user(of: interface)
        let counts = user.flatMap { agentCounts[$0] }
        let activity = agent?.activity ?? .loggedOut
        var since: Date?, reason: String?, caller: String?, queue: String?
        switch activity {
        case .ringing(let q, let c, let s), .onCall(let c, let q, let s): (since, caller, queue) = (s, c, q)
        case .paused(let r, let s): (since, reason) = (s, r)
        case .wrapUp(let s): since = s
        case .available, .loggedOut: break
        }
        return AgentBoard(event: "agent", pbx: pbx, interface: interface, userId: user,
                          name: user.flatMap { directory.ref(userID: $0)?.memberName } ?? agent?.name,
                          extension: DeviceName.extension(of: interface), queues: agent?.queues ?? [], state: activity.name, since: since,
                          reason: reason, overLimit: isOverLimit(activity, at: now), caller: caller, queue: queue,
                          callsToday: counts?.calls ?? 0, talkSecondsToday: counts?.talkTime ?? 0,
                          pauseSecondsToday: user.flatMap { pauseSeconds[$0] } ?? 0)
    }

    /// Agents whose pause began or ended with these changes: (user, paused, reason, since).
    mutating func pauseTransitions(_ changes: Set<QueueMonitor.Change>, at now: Date) -> [(user: Int, paused: Bool, reason: String?, at: Date)] {
        var transitions: [(user: Int, paused: Bool, reason: String?, at: Date)] = []
        for case .agent(let interface) in changes {
            let activity = monitor.agent(interface, at: now)?.activity
            var paused = false, reason: String?, since = now
            if case .paused(let r, let s) = activity { (paused, reason, since) = (true, r, s) }
            guard (wasPaused[interface] ?? false) != paused, let user = user(of: interface) else { continue }
            wasPaused[interface] = paused
            transitions.append((user, paused, reason, paused ? since : now))
        }
        return transitions
    }

    private func isOverLimit(_ activity: AgentActivity, at now: Date) -> Bool {
        guard case .paused(let reason, let since) = activity,
              let limit = configuration.pauseCodes.first(where: { $0.code == reason })?.limitSeconds else { return false }
        return now.timeIntervalSince(since) > TimeInterval(limit)
    }
}
