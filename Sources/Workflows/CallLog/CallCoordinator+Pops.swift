import Foundation
import PBXMonitor

extension CallCoordinator {
    /// Turns one pop message into what each agent's screens receive: the card when their phone
    /// rings (once), a notice when it stops, is answered (by them or a colleague) or ends.
    mutating func send(_ held: HeldPop, call: inout CallState, into actions: inout [Action]) {
        switch held {
        case .ring(let agentID, let record, let time, let since):
            guard call.ringing[agentID] == nil else { return }
            let pop = screenPop(record, identity: call.identity, at: time)
            call.ringing[agentID] = pop
            actions.append(.publish(pop, agentID: agentID, since: since))
        case .stop(let agentID):
            guard var pop = call.ringing.removeValue(forKey: agentID) else { return }
            pop.event = .stopped
            actions.append(.publish(pop, agentID: agentID, since: nil))
        case .answered(let agentID, let ext):
            guard !call.ringing.isEmpty else { return }
            let pops = call.ringing
            call.ringing = [:]
            if let agentID, pops[agentID] != nil, let (previous, pop) = call.talking, previous != agentID {
                // Transferred: the agent it moved away from is done with it.
                var ended = pop
                ended.event = .ended
                actions.append(.publish(ended, agentID: previous, since: nil))
            }
            for (agent, var pop) in pops.sorted(by: { $0.key < $1.key }) {
                pop.event = .answered
                pop.answeredBy = ext
                actions.append(.publish(pop, agentID: agent, since: nil))
                if agent == agentID { call.talking = (agent, pop) }
            }
        case .ended:
            var recipients = call.ringing.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value) }
            if let talking = call.talking { recipients.append(talking) }
            call.ringing = [:]
            call.talking = nil
            for (agent, var pop) in recipients {
                pop.event = .ended
                actions.append(.publish(pop, agentID: agent, since: nil))
            }
        }
    }

    /// The card an agent's screen shows for a ringing call.
    func screenPop(_ record: CallRecord, identity: CallerIdentity?, at time: Date) -> ScreenPop {
        let wait = record.ringAt.map { max(0, Int(time.timeIntervalSince($0))) }
        return ScreenPop(event: .ringing, pbx: pbx, callID: record.linkedID, number: record.externalNumber, e164: identity?.e164,
                         callerName: record.externalName, queue: record.queue, ringingSince: time, waitSeconds: wait,
                         customers: identity?.cards ?? [])
    }
}
