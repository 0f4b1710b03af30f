import CRM
import Foundation

/// What an agent's screen receives about a call: the card when their phone rings, then a notice
/// when the call is answered (by them or someone else) or ends.
public struct ScreenPop: Sendable, Hashable, Codable {
    /// Why this message was sent.
    public enum Event: String, Sendable, Hashable, Codable {
        /// The agent's phone is ringing for this call: show the card.
        case ringing
        /// Ringing stopped: someone answered (see `answeredBy`) or the queue moved on.
        case answered, stopped
        /// The call is over.
        case ended
    }

    public var event: Event
    public let pbx: String
    /// The call's id on the PBX (`Linkedid`); the call log's `linkedId`.
    public let callID: String
    /// The number as the PBX signalled it, and normalised (absent when it is not a phone number).
    public let number: String?
    public let e164: String?
    public let callerName: String?
    public let queue: String?
    public let ringingSince: Date?
    /// Seconds the caller had waited when this agent's phone started ringing.
    public let waitSeconds: Int?
    /// Every customer on the number (several when a family shares a phone).
    public let customers: [CustomerCard]
    /// No customer has this number: the UI offers to create a lead with it pre-filled.
    public var newCaller: Bool { customers.isEmpty }
    /// Extension of the agent who answered (with `.answered`).
    public var answeredBy: String?

    public init(event: Event, pbx: String, callID: String, number: String?, e164: String?, callerName: String?, queue: String?,
                ringingSince: Date?, waitSeconds: Int?, customers: [CustomerCard], answeredBy: String? = nil) {
        self.event = event
        self.pbx = pbx
        self.callID = callID
        self.number = number
        self.e164 = e164
        self.callerName = callerName
        self.queue = queue
        self.ringingSince = ringingSince
        self.waitSeconds = waitSeconds
        self.customers = customers
        self.answeredBy = answeredBy
    }

    enum CodingKeys: String, CodingKey {
        case event, pbx, number, e164, callerName, queue, ringingSince, waitSeconds, customers, newCaller, answeredBy
        case callID = "callId"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(event: try container.decode(Event.self, forKey: .event), pbx: try container.decode(String.self, forKey: .pbx),
                  callID: try container.decode(String.self, forKey: .callID),
                  number: try container.decodeIfPresent(String.self, forKey: .number),
                  e164: try container.decodeIfPresent(String.self, forKey: .e164),
                  callerName: try container.decodeIfPresent(String.self, forKey: .callerName),
                  queue: try container.decodeIfPresent(String.self, forKey: .queue),
                  ringingSince: try container.decodeIfPresent(Date.self, forKey: .ringingSince),
                  waitSeconds: try container.decodeIfPresent(Int.self, forKey: .waitSeconds),
                  customers: try container.decode([CustomerCard].self, forKey: .customers),
                  answeredBy: try container.decodeIfPresent(String.self, forKey: .answeredBy))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event, forKey: .event)
        try container.encode(pbx, forKey: .pbx)
        try container.encode(callID, forKey: .callID)
        try container.encodeIfPresent(number, forKey: .number)
        try container.encodeIfPresent(e164, forKey: .e164)
        try container.encodeIfPresent(callerName, forKey: .callerName)
        try container.encodeIfPresent(queue, forKey: .queue)
        try container.encodeIfPresent(ringingSince, forKey: .ringingSince)
        try container.encodeIfPresent(waitSeconds, forKey: .waitSeconds)
        try container.encode(customers, forKey: .customers)
        try container.encode(newCaller, forKey: .newCaller)
        try container.encodeIfPresent(answeredBy, forKey: .answeredBy)
    }
}
