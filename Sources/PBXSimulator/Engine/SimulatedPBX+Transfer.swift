import AMI
import Foundation

/// Why the simulated PBX refused a `BlindTransfer`, with Asterisk's message.
struct TransferRefusal: Error {
    let message: String
}

extension SimulatedPBX {
    /// `BlindTransfer`: the party bridged to `channelName` (the transferer: an agent's channel) goes to
    /// `exten@context`, which dials that agent; the transferer's legs hang up. The events come as
    /// Asterisk gives them: BlindTransfer, the transferee leaving the bridge, the first agent's
    /// AgentComplete (Reason `transfer`) and hangup, then the transferee's DialBegin towards the new agent.
    func blindTransfer(channel channelName: String, context: String, exten: String) throws(TransferRefusal) {
        guard let transferer = channel(named: channelName) else { throw TransferRefusal(message: "No such channel") }
        // An agent's device side of a Local pair is not in the bridge itself; its peer is.
        guard let inBridge = transferer.bridgeID != nil ? transferer : transferer.peer, let bridgeID = inBridge.bridgeID,
              let transferee = bridges[bridgeID]?.first(where: { $0 !== inBridge }) else {
            throw TransferRefusal(message: "Transfer invalid")
        }
        emit("BlindTransfer", [("Result", "Success")] + inBridge.block(prefix: "Transferer") + transferee.block(prefix: "Transferee")
            + Self.bridgeFields(bridgeID, count: 2) + [("IsExternal", "No"), ("Context", context), ("Extension", exten)])
        transferring.insert(bridgeID)
        takeOutOfBridge(transferee)
        hangup(inBridge)
        transferee.context = context
        transferee.exten = exten
        transferee.priority = 1
        dial(from: transferee, exten: exten, context: context)
    }

    /// `Dial(Local/exten@context/n)` from `caller`: rings the agent, bridges them on answer, and
    /// gives up after the queue's ring timeout when nobody answers.
    private func dial(from caller: SimChannel, exten: String, context: String) {
        let (one, two) = makeLocalPair(exten: exten, context: context, firstLegExten: caller.exten, linkedID: caller.linkedID)
        for leg in [one, two] {
            leg.setCallerID(number: caller.callerIDNumber, name: caller.callerIDName)
            leg.connectedNumber = caller.callerIDNumber
            leg.connectedName = caller.callerIDName
        }
        caller.application = "Dial"
        caller.applicationData = "Local/\(exten)@\(context)/n"
        let members = allQueues.flatMap(\.members).filter { Self.extensionOf($0.interface) == exten }
        members.forEach { $0.ringing = true }
        emit("DialBegin", caller.block() + one.block(prefix: "Dest") + [("DialString", "\(exten)@\(context)/n")])
        onHangup[caller.name] = { [weak self] in
            guard let self, !one.isGone else { return }
            members.forEach { $0.ringing = false }
            self.emit("DialEnd", caller.block() + one.block(prefix: "Dest") + [("DialStatus", "CANCEL")])
            self.hangup(one)
        }
        if case .answers(let delay, let talk) = behaviour(forInterface: "Local/\(exten)@\(context)/n") {
            after(delay, unlessGone: one) { [weak self] in
                guard let self, !caller.isGone else { return }
                self.onHangup[caller.name] = nil
                self.setState(two, .up)
                self.setState(one, .up)
                self.emit("DialEnd", caller.block() + one.block(prefix: "Dest") + [("DialStatus", "ANSWER")])
                members.forEach { $0.ringing = false; $0.inCall = true }
                let bridgeID = self.bridge(one, caller)
                self.bridgeEnding[bridgeID] = { [weak self] _ in
                    members.forEach { $0.inCall = false }
                    self?.after(0) { [weak self] in self?.offerWaitingCallers() }
                }
                self.after(talk, unlessGone: one) { [weak self] in self?.hangup(two) }
            }
        }
        let timeout = allQueues.first?.ringTimeout ?? 15
        after(timeout, unlessGone: one) { [weak self] in
            guard let self, one.state != .up else { return }
            self.onHangup[caller.name] = nil
            members.forEach { $0.ringing = false }
            self.emit("DialEnd", caller.block() + one.block(prefix: "Dest") + [("DialStatus", "NOANSWER")])
            self.hangup(one, cause: 19)
            self.hangup(caller)
        }
    }
}
