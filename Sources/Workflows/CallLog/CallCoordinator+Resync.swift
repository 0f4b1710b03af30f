import AMI
import CRM
import Foundation
import PBXMonitor
import Telephony
import Vocabulary

extension CallCoordinator {
    /// After a (re)connect or lost events: takes up live calls from `CoreShowChannels`, closes tracked
    /// calls that are gone (resync) and live rows in the log nobody tracks any more (recovery).
    mutating func resync(reason: ResyncReason, channels: [AMIMessage], stored: [StoredCall], at now: Date, into actions: inout [Action]) {
        let listing = channels.filter { $0.eventName == "CoreShowChannel" }
        let seeds = Dictionary(stored.filter { !tracker.tracks($0.linkedID) }.map { ($0.linkedID, seed(from: $0)) },
                               uniquingKeysWith: { first, _ in first })
        for output in tracker.adopt(channels: listing, known: seeds, at: now) { apply(output, at: now, into: &actions) }
        let closed = tracker.reconcile(liveUniqueIDs: Set(listing.compactMap { $0["Uniqueid"] }))
        for output in closed { apply(output, at: now, into: &actions) }
        let closedIDs = Set(closed.compactMap { if case .finished(let record) = $0 { record.linkedID } else { nil } })
        var recovered = 0
        for call in stored where !tracker.tracks(call.linkedID) && !closedIDs.contains(call.linkedID) {
            let closure = recoveryClosure(of: call, at: now)
            actions.append(.write(closure))
            if let result = closure.result { actions.append(.callEnded(direction: closure.direction, result: result, blind: true)) }
            recovered += 1
        }
        actions.append(.resynced(ResyncSummary(reason: reason, liveChannels: listing.count, tracking: tracker.liveCallCount,
                                               closedByResync: closed.count, closedByRecovery: recovered)))
    }

    /// What the log knew of a call, as a starting point for tracking it again.
    func seed(from call: StoredCall) -> CallRecord {
        var record = CallRecord(pbx: pbx, linkedID: call.linkedID, direction: call.direction)
        record.externalNumber = record.direction == .outbound ? call.callee : call.caller
        record.externalName = call.externalName
        record.queue = call.queue
        record.ringAt = call.ringAt
        record.answerAt = call.answerAt
        record.queuePosition = call.queuePosition
        record.holdTime = call.holdTime
        record.agentsRung = call.agentsRung.map { AgentRef(extension: DeviceName.extension(of: $0), memberName: nil, device: $0) }
        // The agents the log knows took the call (not the last device rung: a queue rings several).
        record.connectedAgents = call.agentIDs.compactMap(directory.ref(userID:))
        if call.answerAt != nil {
            record.answeredBy = call.agentID.flatMap(directory.ref(userID:)) ?? record.connectedAgents.first
                ?? call.agentsRung.last.map { AgentRef(extension: DeviceName.extension(of: $0), memberName: nil, device: $0) }
        }
        record.recording = call.recording
        return record
    }

    /// A live row whose call is gone from the PBX and from the tracker: closed at its last sign of life.
    func recoveryClosure(of call: StoredCall, at now: Date) -> CallEntry {
        var entry = CallEntry(pbx: pbx, linkedID: call.linkedID, direction: call.direction, status: .ended)
        // At its last sign of life, but never before its answer (a write's time may precede the answer's event time).
        let lastSign = call.lastSeenAt ?? call.ringAt ?? now
        entry.endAt = max(lastSign, call.answerAt ?? lastSign)
        entry.result = call.answerAt != nil ? .answered : call.direction == .inbound ? .noAnswer : .failed
        entry.endedBy = .recovery
        return entry
    }

    /// The call's whole state as the log writes it.
    func entry(_ record: CallRecord, at time: Date) -> CallEntry {
        let call = calls[record.linkedID]
        var entry = CallEntry(pbx: pbx, linkedID: record.linkedID, direction: record.direction,
                              status: record.endAt == nil ? .live : .ended)
        let agent = record.answeredBy.flatMap(directory.agent(for:))
        switch record.direction {
        case .inbound:
            entry.caller = record.externalNumber
            entry.callee = record.answeredBy?.extension ?? record.queue
        case .outbound:
            entry.caller = record.answeredBy?.extension
            entry.callee = record.externalNumber
        case .internal:
            entry.caller = record.externalNumber
            entry.callee = record.answeredBy?.extension
        }
        entry.externalName = record.externalName
        entry.queue = record.queue
        entry.agentID = agent?.userID
        entry.agentIDs = record.connectedAgents.compactMap { directory.agent(for: $0)?.userID }
        entry.agentsRung = record.agentsRung.map(\.device)
        entry.ringAt = record.ringAt
        entry.answerAt = record.answerAt
        entry.endAt = record.endAt
        entry.lastSeenAt = time
        entry.result = record.endAt == nil ? nil : record.result
        entry.hangupCause = record.hangupCause
        entry.queuePosition = record.queuePosition
        entry.holdTime = record.holdTime
        entry.talkTime = record.talkTime
        entry.recording = call?.recording ?? record.recording
        entry.taskID = record.taskTag.flatMap(Int.init)
        if entry.status == .ended { entry.endedBy = record.closedByResync ? .resync : .hangup }
        entry.customerIDs = call?.identity?.customers.map(\.id) ?? []
        return entry
    }
}
