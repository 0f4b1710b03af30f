import Foundation

/// One call as the call log writes it: the whole record, live or final, keyed by PBX and `Linkedid`.
///
/// Writing the same entry twice, or an older state after a newer one, changes nothing: the store
/// merges it into the row (see `CRMStore.recordCall`).
public struct CallEntry: Sendable, Hashable {
    public var pbx: String
    public var linkedID: String
    /// `inbound`, `outbound` or `internal`.
    public var direction: String
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
    public var result: String?
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

    public init(pbx: String, linkedID: String, direction: String, status: CallStatus = .live) {
        self.pbx = pbx
        self.linkedID = linkedID
        self.direction = direction
        self.status = status
        agentsRung = []
        agentIDs = []
        customerIDs = []
    }
}

/// Whether a call is still going on.
public enum CallStatus: String, Sendable, Hashable, Codable {
    case live, ended
}

/// How a call's end became known.
public enum CallEndSource: String, Sendable, Hashable, Codable {
    /// Its last channel's Hangup was seen.
    case hangup
    /// Its channels were gone after an AMI reconnect: ended while the link was down.
    case resync
    /// Found still open when CallDesk started (it had stopped or crashed mid-call) and gone from the PBX.
    case recovery
}
