import Foundation

/// A queue of the simulated PBX: members, waiting callers and the counters QueueStatus reports.
final class SimQueue {
    let name: String
    var strategy: Strategy
    /// Seconds a member's device rings before it counts as not answered.
    var ringTimeout: Double
    /// Seconds before a member that did not answer is tried again.
    var retry: Double
    var members: [SimQueueMember]
    var callers: [Caller] = []
    var completed = 0
    var abandoned = 0
    var totalHoldTime = 0
    var totalTalkTime = 0
    var lastRung: String?

    /// How members are chosen for a caller.
    enum Strategy: String {
        case ringall, rrmemory
    }

    /// A caller waiting (or being connected) in the queue.
    final class Caller {
        let channel: SimChannel
        let joinedAt: Date
        let originalPosition: Int
        /// Member legs ringing for this caller, by member interface.
        var ringing: [String: SimChannel] = [:]
        var ringStarted: [String: Date] = [:]
        var answered = false
        var pending: [() -> Void] = []

        init(channel: SimChannel, joinedAt: Date, originalPosition: Int) {
            self.channel = channel
            self.joinedAt = joinedAt
            self.originalPosition = originalPosition
        }
    }

    init(name: String, strategy: Strategy, ringTimeout: Double, retry: Double, members: [SimQueueMember]) {
        self.name = name
        self.strategy = strategy
        self.ringTimeout = ringTimeout
        self.retry = retry
        self.members = members
    }

    func position(of channel: SimChannel) -> Int? {
        callers.firstIndex { $0.channel === channel }.map { $0 + 1 }
    }

    /// Members to ring now for a caller, by strategy; busy and paused members are skipped.
    /// Whether a member could be rung now.
    var hasFreeMember: Bool { members.contains { !$0.paused && !$0.inCall && !$0.ringing } }

    func membersToRing() -> [SimQueueMember] {
        let available = members.filter { !$0.paused && !$0.inCall && !$0.ringing }
        switch strategy {
        case .ringall:
            return available
        case .rrmemory:
            guard !available.isEmpty else { return [] }
            let start = lastRung.flatMap { last in members.firstIndex { $0.interface == last } }.map { $0 + 1 } ?? 0
            let ordered = members[start...] + members[..<start]
            return ordered.first { member in available.contains { $0 === member } }.map { [$0] } ?? []
        }
    }
}

/// A member of a simulated queue and how its agent behaves.
final class SimQueueMember {
    let interface: String
    let name: String
    var membership: String
    var penalty: Int
    var paused = false
    var pausedReason = ""
    var inCall = false
    var ringing = false
    var callsTaken = 0
    var lastCall = 0
    var lastPause = 0
    let loginTime: Int
    var behaviour: SimulatorConfiguration.AgentBehaviour

    init(interface: String, name: String, membership: String, penalty: Int, loginTime: Int, behaviour: SimulatorConfiguration.AgentBehaviour) {
        self.interface = interface
        self.name = name
        self.membership = membership
        self.penalty = penalty
        self.loginTime = loginTime
        self.behaviour = behaviour
    }

    /// Device status: 1 not in use, 2 in use, 6 ringing.
    var status: Int { inCall ? 2 : ringing ? 6 : 1 }

    /// The member fields of QueueMember* events, in Asterisk's order.
    func fields(queue: String) -> [(String, String)] {
        [
            ("Queue", queue), ("MemberName", name), ("Interface", interface), ("StateInterface", interface),
            ("Membership", membership), ("Penalty", String(penalty)), ("CallsTaken", String(callsTaken)),
            ("LastCall", String(lastCall)), ("LastPause", String(lastPause)), ("LoginTime", String(loginTime)),
            ("InCall", inCall ? "1" : "0"), ("Status", String(status)), ("Paused", paused ? "1" : "0"),
            ("PausedReason", pausedReason), ("Ringinuse", "0"), ("Wrapuptime", "0"),
        ]
    }
}
