import Foundation
import Vocabulary

/// One call as the call log writes it: the whole record, live or final, keyed by PBX and `Linkedid`.
///
/// Writing the same entry twice, or an older state after a newer one, changes nothing: the store
/// merges it into the row (see `CRMStore.recordCall`).
public struct CallEntry: Sendable, Hashable, Codable {
    public var pbx: String
    public var linkedID: String
    public var direction: CallDirection
    public var caller: String?
    public var callee: String?
    public var externalName: String?
    public var queue: String?
    /// The agent who answered.
    public var agentID: Int?
    /// Every agent who took the call: the one who answered, then those it was transferred to.
    public var agentIDs: [Int]
    /// Devices rung for this call, in order (`PJSIP/1001`, `Local/1002@agents/n`).
    public var agentsRung: [String]
    public var ringAt: Date?
    public var answerAt: Date?
    public var endAt: Date?
    /// The last moment the call was seen alive; the best known end if it has to be closed blind.
    public var lastSeenAt: Date?
    public var result: CallResult?
    public var hangupCause: Int?
    /// Position in the queue when the caller joined it (1 = first in line).
    public var queuePosition: Int?
    public var holdTime: Int?
    public var talkTime: Int?
    public var recording: String?
    public var taskID: Int?
    public var status: CallStatus
    public var endedBy: CallEndSource?
    /// Every customer on the caller's normalised number.
    public var customerIDs: [Int]

    public init(pbx: String, linkedID: String, direction: CallDirection, status: CallStatus = .live) {
        self.pbx = pbx
        self.linkedID = linkedID
        self.direction = direction
        self.status = status
        agentsRung = []
        agentIDs = []
        customerIDs = []
    }
}
