import CRM
import Foundation
import Vocabulary

/// A call as the API shows it (`GET /v1/calls`, `/v1/calls/{id}`): the call log's record in the API's JSON shape.
struct CallBody: Encodable {
    let id: Int
    let pbx: String
    let linkedId: String
    let direction: CallDirection
    let caller: String?
    let callee: String?
    let externalName: String?
    let queue: String?
    /// The agent who answered, and everyone who took the call (in order, across transfers).
    let agentId: Int?
    let agentIds: [Int]
    let agentsRung: [String]
    let ringAt: Date?
    let answerAt: Date?
    let endAt: Date?
    let lastSeenAt: Date?
    let result: CallResult?
    let hangupCause: Int?
    let queuePosition: Int?
    let holdTime: Int?
    let talkTime: Int?
    let recording: String?
    let taskId: Int?
    let status: CallStatus
    let endedBy: CallEndSource?
    let customerIds: [Int]
    let interactionIds: [Int]

    init(_ call: StoredCall) {
        id = call.id
        pbx = call.pbx
        linkedId = call.linkedID
        direction = call.direction
        caller = call.caller
        callee = call.callee
        externalName = call.externalName
        queue = call.queue
        agentId = call.agentID
        agentIds = call.agentIDs
        agentsRung = call.agentsRung
        ringAt = call.ringAt
        answerAt = call.answerAt
        endAt = call.endAt
        lastSeenAt = call.lastSeenAt
        result = call.result
        hangupCause = call.hangupCause
        queuePosition = call.queuePosition
        holdTime = call.holdTime
        talkTime = call.talkTime
        recording = call.recording
        taskId = call.taskID
        status = call.status
        endedBy = call.endedBy
        customerIds = call.customerIDs
        interactionIds = call.interactionIDs
    }
}
