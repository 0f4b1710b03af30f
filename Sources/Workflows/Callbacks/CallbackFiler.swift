import CRM
import Foundation
import Logging
import Vocabulary

/// Files a callback task for each missed inbound call: for the customer's owner, or for the
/// queue's team when the caller is unknown. Once per call, however often it is asked.
struct CallbackFiler: Sendable {
    let store: CRMStore
    let configuration: CallLogConfiguration
    let logger: Logger

    static let missedResults: [CallResult] = [.abandoned, .noAnswer, .voicemail]

    /// Files the callbacks that a stop cut off: missed calls of the last day whose end was written
    /// but whose callback was not (the two are separate writes).
    func fileMissingCallbacks(pbx: String) async {
        do {
            let calls = try await store.missedCallsWithoutCallback(pbx: pbx, results: Self.missedResults,
                                                                   since: Date().addingTimeInterval(-24 * 3600))
            for call in calls {
                var entry = CallEntry(pbx: pbx, linkedID: call.linkedID, direction: call.direction, status: .ended)
                entry.caller = call.caller
                entry.queue = call.queue
                entry.result = call.result
                entry.endAt = call.endAt
                entry.holdTime = call.holdTime
                entry.customerIDs = call.customerIDs
                try await afterCall(callID: call.id, entry)
            }
            if !calls.isEmpty { logger.warning("filed callbacks a stop had cut off", metadata: ["calls": "\(calls.count)"]) }
        } catch {
            logger.error("could not look for missed calls without a callback", metadata: ["error": "\(error)"])
        }
    }

    /// A missed inbound call (abandoned, unanswered, or sent to voicemail) becomes a callback task.
    func afterCall(callID: Int, _ entry: CallEntry) async throws {
        guard entry.direction == .inbound, let result = entry.result, Self.missedResults.contains(result) else { return }
        let customers = entry.customerIDs.isEmpty ? [] : try await store.summaries(ids: entry.customerIDs)
        let owner = customers.first?.ownerID
        let phone = entry.caller.flatMap { store.normalizer.normalize($0).phoneNumber?.e164 } ?? entry.caller
        let due = (entry.endAt ?? Date()).addingTimeInterval(TimeInterval(configuration.callbackDelay.components.seconds))
        let waited = entry.holdTime.map { ", waited \($0) s" } ?? ""
        let note = "missed call (\(result.rawValue)) from \(phone ?? "unknown number")\(entry.queue.map { " in queue \($0)" } ?? "")\(waited)"
        let team = owner == nil ? configuration.callbackTeam(queue: entry.queue) : nil
        if let task = try await store.createCallbackTask(callID: callID, customerID: customers.first?.id, ownerID: owner,
                                                         teamName: team, phone: phone, dueAt: due, note: note) {
            logger.info("callback task created", metadata: [
                "call": "\(entry.linkedID)", "task": "\(task)", "customer": "\(customers.first.map { String($0.id) } ?? "-")",
                "owner": "\(owner.map(String.init) ?? "team \(team ?? "-")")",
            ])
        }
    }
}
