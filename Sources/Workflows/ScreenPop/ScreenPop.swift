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
    public let newCaller: Bool
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
        newCaller = customers.isEmpty
        self.answeredBy = answeredBy
    }

    enum CodingKeys: String, CodingKey {
        case event, pbx, number, e164, callerName, queue, ringingSince, waitSeconds, customers, newCaller, answeredBy
        case callID = "callId"
    }
}

extension ScreenPop {
    /// The same pop with the caller's number and the cards' numbers passed through `show` (agents see them masked).
    public func withNumbers(_ show: (String) -> String) -> ScreenPop {
        ScreenPop(event: event, pbx: pbx, callID: callID, number: number.map(show), e164: e164.map(show), callerName: callerName,
                  queue: queue, ringingSince: ringingSince, waitSeconds: waitSeconds, customers: customers.map { $0.withPhones(show) },
                  answeredBy: answeredBy)
    }
}
