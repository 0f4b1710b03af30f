import AMI
import Foundation

extension SimulatedPBX {
    /// Why a queue-member change was refused, in Asterisk's words.
    struct MemberChangeRefusal: Error {
        let message: String
    }

    /// `QueueAdd`: a dynamic member joins a queue.
    func addMember(queue name: String, interface: String, memberName: String?, penalty: Int, paused: Bool) throws(MemberChangeRefusal) {
        guard let queue = queue(named: name) else { throw MemberChangeRefusal(message: "Unable to add interface to queue: No such queue") }
        guard !queue.members.contains(where: { $0.interface == interface }) else {
            throw MemberChangeRefusal(message: "Unable to add interface: Already there")
        }
        let member = SimQueueMember(interface: interface, name: memberName ?? interface, membership: "dynamic", penalty: penalty,
                                    loginTime: Int(Date().timeIntervalSince1970),
                                    behaviour: configuration.agents[Self.extensionOf(interface)] ?? configuration.defaultAgent)
        member.paused = paused
        queue.members.append(member)
        emit("QueueMemberAdded", privilege: "agent,all", member.fields(queue: queue.name))
        offerWaitingCallers()
    }

    /// `QueueRemove`.
    func removeMember(queue name: String, interface: String) throws(MemberChangeRefusal) {
        guard let queue = queue(named: name), let index = queue.members.firstIndex(where: { $0.interface == interface }) else {
            throw MemberChangeRefusal(message: "Unable to remove interface: Not there")
        }
        let member = queue.members.remove(at: index)
        emit("QueueMemberRemoved", privilege: "agent,all", member.fields(queue: queue.name))
    }

    /// `QueuePause` for one queue or, without a queue, for every queue the interface is in.
    func pause(interface: String, queue name: String?, paused: Bool, reason: String) throws(MemberChangeRefusal) {
        let targets = allQueues.filter { name == nil || $0.name == name }
        var found = false
        for queue in targets {
            for member in queue.members where member.interface == interface {
                found = true
                member.paused = paused
                member.pausedReason = paused ? reason : ""
                if paused { member.lastPause = Int(Date().timeIntervalSince1970) }
                emit("QueueMemberPause", privilege: "agent,all", member.fields(queue: queue.name))
            }
        }
        guard found else { throw MemberChangeRefusal(message: "Interface not found") }
        if !paused { offerWaitingCallers() }
    }

    /// `QueueStatus` list items: QueueParams, its QueueMember and QueueEntry items, per queue.
    func queueStatusItems(actionID: String, queue only: String?) -> [AMIMessage] {
        var items: [AMIMessage] = []
        let now = Date()
        for queue in allQueues where only == nil || only == queue.name {
            let served = max(queue.completed, 1)
            items.append(AMIMessage(headers: [
                ("Event", "QueueParams"), ("Queue", queue.name), ("Max", "0"), ("Strategy", queue.strategy.rawValue),
                ("Calls", String(queue.callers.count)), ("Holdtime", String(queue.totalHoldTime / served)),
                ("TalkTime", String(queue.totalTalkTime / served)), ("Completed", String(queue.completed)),
                ("Abandoned", String(queue.abandoned)), ("ServiceLevel", "0"), ("ServicelevelPerf", "0.0"),
                ("ServicelevelPerf2", "0.0"), ("Weight", "0"), ("ActionID", actionID),
            ]))
            for member in queue.members {
                items.append(AMIMessage(headers: [
                    ("Event", "QueueMember"), ("Queue", queue.name), ("Name", member.name), ("Location", member.interface),
                    ("StateInterface", member.interface), ("Membership", member.membership), ("Penalty", String(member.penalty)),
                    ("CallsTaken", String(member.callsTaken)), ("LastCall", String(member.lastCall)),
                    ("LastPause", String(member.lastPause)), ("LoginTime", String(member.loginTime)),
                    ("InCall", member.inCall ? "1" : "0"), ("Status", String(member.status)), ("Paused", member.paused ? "1" : "0"),
                    ("PausedReason", member.pausedReason), ("Wrapuptime", "0"), ("ActionID", actionID),
                ]))
            }
            for (index, caller) in queue.callers.enumerated() {
                items.append(AMIMessage(headers: [
                    ("Event", "QueueEntry"), ("Queue", queue.name), ("Position", String(index + 1)), ("Channel", caller.channel.name),
                    ("Uniqueid", caller.channel.uniqueID), ("CallerIDNum", caller.channel.callerIDNumber),
                    ("CallerIDName", caller.channel.callerIDName), ("ConnectedLineNum", caller.channel.connectedNumber),
                    ("ConnectedLineName", caller.channel.connectedName),
                    ("Wait", String(Int(now.timeIntervalSince(caller.joinedAt) / max(configuration.timeScale, 1e-6)))),
                    ("Priority", "0"), ("ActionID", actionID),
                ]))
            }
        }
        return items
    }

    /// `QueueSummary` list items, one per queue, with Asterisk's counts: members logged in (not
    /// unavailable) and free (not paused, not in a call, not ringing), callers, average hold and talk, longest hold.
    func queueSummaryItems(actionID: String, queue only: String?) -> [AMIMessage] {
        let now = Date()
        return allQueues.filter { only == nil || only == $0.name }.map { queue in
            let served = max(queue.completed, 1)
            let longest = queue.callers.map { now.timeIntervalSince($0.joinedAt) / max(configuration.timeScale, 1e-6) }.max() ?? 0
            return AMIMessage(headers: [
                ("Event", "QueueSummary"), ("Queue", queue.name), ("LoggedIn", String(queue.members.count)),
                ("Available", String(queue.members.filter { !$0.paused && $0.status == 1 }.count)), ("Callers", String(queue.callers.count)),
                ("HoldTime", String(queue.totalHoldTime / served)), ("TalkTime", String(queue.totalTalkTime / served)),
                ("LongestHoldTime", String(Int(longest))), ("ActionID", actionID),
            ])
        }
    }

    /// `CoreShowChannels` list items, one per live channel.
    func coreShowChannelItems(actionID: String) -> [AMIMessage] {
        let now = Date()
        return liveChannels.map { channel in
            let seconds = Int(now.timeIntervalSince(channel.createdAt) / max(configuration.timeScale, 1e-6))
            return AMIMessage(headers: [("Event", "CoreShowChannel"), ("ActionID", actionID)] + channel.block() + [
                ("Application", channel.application), ("ApplicationData", channel.applicationData),
                ("Duration", String(format: "%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)),
                ("BridgeId", channel.bridgeID ?? ""),
            ])
        }
    }

    /// How long the answer to the next `MixMonitor` action is held back (`mixMonitorReplyDelays`, in order).
    func nextMixMonitorReplyDelay() -> Double {
        defer { mixMonitorActions += 1 }
        return mixMonitorActions < configuration.mixMonitorReplyDelays.count ? configuration.mixMonitorReplyDelays[mixMonitorActions] : 0
    }

    /// `MixMonitor` / `StopMixMonitor` on a live channel.
    func setRecording(_ channel: SimChannel, file: String?) {
        if let file {
            channel.recording = file
            emit("MixMonitorStart", channel.block())
        } else if channel.recording != nil {
            channel.recording = nil
            emit("MixMonitorStop", channel.block())
        }
    }

    /// `Shutdown` then every session closes (as `core restart now` does).
    func announceShutdown(restart: Bool) {
        emit("Shutdown", privilege: "system,all", [("Shutdown", "Cleanly"), ("Restart", restart ? "True" : "False")])
    }
}
