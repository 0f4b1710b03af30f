import Foundation

extension SimulatedPBX {
    /// `Queue(name)` on `channel`: join, ring members by strategy, connect the first to answer.
    func joinQueue(_ channel: SimChannel, queueName: String) {
        guard let queue = queue(named: queueName), !channel.isGone else {
            hangup(channel)
            return
        }
        channel.application = "Queue"
        channel.applicationData = queueName
        channel.priority = 3
        let caller = SimQueue.Caller(channel: channel, joinedAt: Date(), originalPosition: queue.callers.count + 1)
        queue.callers.append(caller)
        emit("QueueCallerJoin", privilege: "agent,all", channel.block() + [
            ("Queue", queue.name), ("Position", String(queue.callers.count)), ("Count", String(queue.callers.count)),
        ])
        ringMembers(for: caller, in: queue)
        after(configuration.queueWait, unlessGone: channel) { [weak self] in
            guard let self, !caller.answered, !channel.isGone, queue.position(of: channel) != nil else { return }
            // Queue() timed out: the caller leaves the queue; the dialplan hangs up or takes a message.
            self.cancelRinging(caller, in: queue)
            self.leave(caller, queue: queue)
            if let message = self.configuration.voicemailAfterQueue {
                self.leaveVoicemail(channel, for: message)
            } else {
                self.hangup(channel)
            }
            self.offerWaitingCallers()
        }
    }

    func ringMembers(for caller: SimQueue.Caller, in queue: SimQueue) {
        guard !caller.answered, !caller.channel.isGone else { return }
        for member in queue.membersToRing() {
            ring(member, for: caller, in: queue)
        }
    }

    private func ring(_ member: SimQueueMember, for caller: SimQueue.Caller, in queue: SimQueue) {
        let exten = Self.extensionOf(member.interface)
        let context = member.interface.split(separator: "@").dropFirst().first.map { String($0.split(separator: "/").first ?? $0) } ?? "agents"
        let (one, two) = makeLocalPair(exten: exten, context: context, firstLegExten: caller.channel.exten, linkedID: caller.channel.linkedID)
        for leg in [one, two] {
            leg.setCallerID(number: caller.channel.callerIDNumber, name: caller.channel.callerIDName)
            leg.connectedNumber = caller.channel.callerIDNumber
            leg.connectedName = caller.channel.callerIDName
        }
        member.ringing = true
        queue.lastRung = member.interface
        caller.ringing[member.interface] = one
        caller.ringStarted[member.interface] = Date()
        emit("AgentCalled", privilege: "agent,all", caller.channel.block() + one.block(prefix: "Dest") + [
            ("Queue", queue.name), ("Interface", member.interface), ("MemberName", member.name),
        ])
        emit("DialBegin", caller.channel.block() + one.block(prefix: "Dest") + [("DialString", String(member.interface.dropFirst("Local/".count)))])
        switch member.behaviour {
        case .answers(let delay, let talk):
            let variation = configuration.talkTimeVariation
            let talkTime = variation > 0 ? talk * Double.random(in: max(0, 1 - variation)...(1 + variation)) : talk
            after(delay, unlessGone: one) { [weak self] in self?.memberAnswered(member, leg: one, caller: caller, queue: queue, talk: talkTime) }
        case .neverAnswers:
            break
        }
        after(queue.ringTimeout, unlessGone: caller.channel) { [weak self] in
            guard let self, caller.ringing[member.interface] === one, !caller.answered else { return }
            let rang = Int(Date().timeIntervalSince(caller.ringStarted[member.interface] ?? Date()) * 1000 / max(self.configuration.timeScale, 1e-6))
            self.emit("AgentRingNoAnswer", privilege: "agent,all", caller.channel.block() + one.block(prefix: "Dest") + [
                ("Queue", queue.name), ("Interface", member.interface), ("MemberName", member.name), ("RingTime", String(rang)),
            ])
            self.stopRinging(member, leg: one, caller: caller, status: "NOANSWER", cause: 16)
            self.after(queue.retry) { [weak self] in self?.ringMembers(for: caller, in: queue) }
        }
    }

    private func stopRinging(_ member: SimQueueMember, leg: SimChannel, caller: SimQueue.Caller, status: String, cause: Int) {
        caller.ringing[member.interface] = nil
        member.ringing = false
        emit("DialEnd", caller.channel.block() + leg.block(prefix: "Dest") + [("DialStatus", status)])
        hangup(leg, cause: cause)
    }

    private func memberAnswered(_ member: SimQueueMember, leg: SimChannel, caller: SimQueue.Caller, queue: SimQueue, talk: Double) {
        guard !caller.answered, caller.ringing[member.interface] === leg, !leg.isGone, !caller.channel.isGone else { return }
        caller.answered = true
        guard let agentSide = leg.peer else { return }
        setState(agentSide, .up)
        setState(leg, .up)
        emit("DialEnd", caller.channel.block() + leg.block(prefix: "Dest") + [("DialStatus", "ANSWER")])
        caller.ringing[member.interface] = nil
        member.ringing = false
        for (interface, other) in caller.ringing {
            caller.ringing[interface] = nil
            if let otherMember = queue.members.first(where: { $0.interface == interface }) { otherMember.ringing = false }
            // Asterisk reports the cancelled leg's DialEnd twice (app_queue, then the dial's own end).
            emit("DialEnd", caller.channel.block() + other.block(prefix: "Dest") + [("DialStatus", "CANCEL")])
            emit("DialEnd", caller.channel.block() + other.block(prefix: "Dest") + [("DialStatus", "CANCEL")])
            hangup(other, cause: 26)
        }
        let holdTime = Int(Date().timeIntervalSince(caller.joinedAt) / max(configuration.timeScale, 1e-6))
        let ringTime = Int(Date().timeIntervalSince(caller.ringStarted[member.interface] ?? Date()) / max(configuration.timeScale, 1e-6))
        leave(caller, queue: queue)
        member.inCall = true
        queue.totalHoldTime += holdTime
        count(answered: true)
        emit("AgentConnect", privilege: "agent,all", caller.channel.block() + leg.block(prefix: "Dest") + [
            ("Queue", queue.name), ("Interface", member.interface), ("MemberName", member.name),
            ("HoldTime", String(holdTime)), ("RingTime", String(ringTime)),
        ])
        let bridgeID = bridge(leg, caller.channel)
        let connectedAt = Date()
        bridgeEnding[bridgeID] = { [weak self] hungUpBy in
            guard let self else { return }
            let talkTime = Int(Date().timeIntervalSince(connectedAt) / max(self.configuration.timeScale, 1e-6))
            queue.totalTalkTime += talkTime
            queue.completed += 1
            self.emit("AgentComplete", privilege: "agent,all", caller.channel.block() + leg.block(prefix: "Dest") + [
                ("Queue", queue.name), ("Interface", member.interface), ("MemberName", member.name),
                ("HoldTime", String(holdTime)), ("TalkTime", String(talkTime)),
                ("Reason", self.transferring.remove(bridgeID) != nil ? "transfer"
                    : hungUpBy === caller.channel || hungUpBy === caller.channel.peer ? "caller" : "agent"),
            ])
            member.inCall = false
            member.callsTaken += 1
            member.lastCall = Int(Date().timeIntervalSince1970)
            self.after(0) { [weak self] in self?.offerWaitingCallers() }
        }
        after(talk, unlessGone: leg) { [weak self] in
            guard let agentSide = leg.peer, !agentSide.isGone else { return }
            self?.hangup(agentSide)
        }
    }

    /// The caller leaves the queue (answered, timed out or abandoned).
    func leave(_ caller: SimQueue.Caller, queue: SimQueue) {
        guard let position = queue.position(of: caller.channel) else { return }
        queue.callers.remove(at: position - 1)
        emit("QueueCallerLeave", privilege: "agent,all", caller.channel.block() + [
            ("Queue", queue.name), ("Position", String(position)), ("Count", String(queue.callers.count)),
        ])
    }

    /// The caller hung up while waiting.
    func abandon(_ caller: SimQueue.Caller, in queue: SimQueue) {
        guard let position = queue.position(of: caller.channel), !caller.answered else { return }
        let holdTime = Int(Date().timeIntervalSince(caller.joinedAt) / max(configuration.timeScale, 1e-6))
        emit("QueueCallerAbandon", privilege: "agent,all", caller.channel.block() + [
            ("Queue", queue.name), ("Position", String(position)), ("OriginalPosition", String(caller.originalPosition)),
            ("HoldTime", String(holdTime)),
        ])
        queue.abandoned += 1
        count(abandoned: true)
        cancelRinging(caller, in: queue)
        leave(caller, queue: queue)
        // The members it was ringing are free again for whoever waits next.
        offerWaitingCallers()
    }

    func cancelRinging(_ caller: SimQueue.Caller, in queue: SimQueue) {
        for (interface, leg) in caller.ringing {
            caller.ringing[interface] = nil
            if let member = queue.members.first(where: { $0.interface == interface }) { member.ringing = false }
            emit("DialEnd", caller.channel.block() + leg.block(prefix: "Dest") + [("DialStatus", "CANCEL")])
            hangup(leg)
        }
    }

    /// Rings free members for callers still waiting (after an unpause, an add or a finished call).
    func offerWaitingCallers() {
        for queue in allQueues {
            for caller in queue.callers where !caller.answered && caller.ringing.isEmpty {
                // Nobody free: the callers behind wait too (thousands may wait; do not look at each).
                guard queue.hasFreeMember else { break }
                ringMembers(for: caller, in: queue)
            }
        }
    }

    /// `UserEvent(CallDesk,Result: voicemail)` then `VoiceMail(hotline@calldesk,u)`, as dialplans/calldesk.conf does.
    private func leaveVoicemail(_ channel: SimChannel, for seconds: Double) {
        channel.priority += 1
        emit("UserEvent", privilege: "user,all", channel.block() + [("UserEvent", "CallDesk"), ("Result", "voicemail")])
        channel.priority += 1
        channel.application = "VoiceMail"
        channel.applicationData = "hotline@calldesk,u"
        emit("Newexten", privilege: "dialplan,all", channel.block() + [("Extension", channel.exten), ("Application", "VoiceMail"),
                                                                        ("AppData", channel.applicationData)])
        after(seconds, unlessGone: channel) { [weak self] in self?.hangup(channel) }
    }
}
