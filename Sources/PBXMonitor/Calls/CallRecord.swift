import Foundation
import Vocabulary

/// One call as the call log stores it: every leg of one `Linkedid` folded into a single record.
public struct CallRecord: Sendable, Hashable {
    public let pbx: String
    public var linkedID: String
    public var direction: CallDirection
    /// The outside party's number as signalled (normalise before matching customers).
    public var externalNumber: String?
    public var externalName: String?
    public var queue: String?
    /// Agents whose devices rang, in order, and the one who answered.
    public var agentsRung: [AgentRef] = []
    public var answeredBy: AgentRef?
    /// Every agent who took the call, in order: the one who answered, then those it was transferred to.
    public var connectedAgents: [AgentRef] = []
    public var ringAt: Date?
    public var answerAt: Date?
    public var endAt: Date?
    /// Position in the queue when the caller joined it (`QueueCallerJoin` Position).
    public var queuePosition: Int?
    /// Seconds waited in the queue.
    public var holdTime: Int?
    /// Seconds talked with agents, across transfers.
    public var talkTime: Int?
    public var result: CallResult?
    public var hangupCause: Int?
    /// The dialer's tag (`CALLDESK_TASK` channel variable) on campaign calls.
    public var taskTag: String?
    public var recording: String?
    /// The first leg's channel name (the caller on inbound calls): what a recording is started on.
    public var callerChannel: String?
    /// Every leg's Uniqueid.
    public var legs: [String] = []
    /// Closed by a resync (its channels were gone after a reconnect), not by a seen Hangup:
    /// `endAt` is the last time the call was seen alive.
    public var closedByResync = false

    public init(pbx: String, linkedID: String, direction: CallDirection) {
        self.pbx = pbx
        self.linkedID = linkedID
        self.direction = direction
    }
}
