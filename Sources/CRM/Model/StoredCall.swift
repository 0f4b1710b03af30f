import Foundation
import Vocabulary

/// A call as the call log holds it, for the API and reports.
public struct StoredCall: Sendable, Hashable {
    public let id: Int
    public let pbx: String
    public let linkedID: String
    public let direction: CallDirection
    public let caller: String?
    public let callee: String?
    public let externalName: String?
    public let queue: String?
    /// The agent who answered.
    public let agentID: Int?
    /// Every agent who took the call, in order: the one who answered, then those it was transferred to.
    public let agentIDs: [Int]
    public let agentsRung: [String]
    public let ringAt: Date?
    public let answerAt: Date?
    public let endAt: Date?
    /// The last moment the call was seen alive.
    public let lastSeenAt: Date?
    public let result: CallResult?
    public let hangupCause: Int?
    /// Position in the queue when the caller joined it.
    public let queuePosition: Int?
    public let holdTime: Int?
    public let talkTime: Int?
    public let recording: String?
    public let taskID: Int?
    public let status: CallStatus
    public let endedBy: CallEndSource?
    public let customerIDs: [Int]
    /// Interactions (outcome and note) agents logged for this call.
    public let interactionIDs: [Int]
}
