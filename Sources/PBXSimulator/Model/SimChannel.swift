import Foundation
import NIOCore

/// One channel of the simulated PBX, with the fields Asterisk reports in its channel block.
final class SimChannel {
    let name: String
    let uniqueID: String
    let linkedID: String
    var state: State
    var callerIDNumber = "<unknown>"
    var callerIDName = "<unknown>"
    var connectedNumber = "<unknown>"
    var connectedName = "<unknown>"
    var context: String
    var exten: String
    var priority = 1
    let createdAt: Date
    var answeredAt: Date?
    var application = ""
    var applicationData = ""
    var bridgeID: String?
    var recording: String?
    /// The other half of a Local channel pair (`;1` ↔ `;2`).
    weak var peer: SimChannel?
    var isGone = false
    var variables: [String: String] = [:]
    /// `CHANNEL(accountcode)`: set by an Originate's `Account`, shown in every channel event.
    var accountCode = ""
    /// The ARI application that originated this channel: it hears every event of the channel.
    var ariOwner: String?
    /// The Stasis application the channel is in now (it hears events until StasisEnd).
    var stasisApp: String?
    /// The ARI bridge the channel is in.
    var ariBridgeID: String?
    /// Work scheduled for this channel (its application's end, a ring timeout, …), cancelled when it
    /// hangs up so that a long `Wait()` does not keep a finished call in memory.
    var timers: [Int: Scheduled<Void>] = [:]
    var nextTimer = 0

    /// Asterisk's channel states as numbers and words.
    enum State: Int {
        case down = 0, ring = 4, ringing = 5, up = 6

        var description: String {
            switch self {
            case .down: "Down"
            case .ring: "Ring"
            case .ringing: "Ringing"
            case .up: "Up"
            }
        }
    }

    init(name: String, uniqueID: String, linkedID: String, state: State, context: String, exten: String, now: Date) {
        self.name = name
        self.uniqueID = uniqueID
        self.linkedID = linkedID
        self.state = state
        self.context = context
        self.exten = exten
        self.createdAt = now
    }

    func setCallerID(number: String, name: String) {
        callerIDNumber = number
        callerIDName = name
    }

    /// The standard channel block, in Asterisk's field order, optionally `Dest`-prefixed.
    func block(prefix: String = "") -> [(String, String)] {
        [
            (prefix + "Channel", name), (prefix + "ChannelState", String(state.rawValue)),
            (prefix + "ChannelStateDesc", state.description), (prefix + "CallerIDNum", callerIDNumber),
            (prefix + "CallerIDName", callerIDName), (prefix + "ConnectedLineNum", connectedNumber),
            (prefix + "ConnectedLineName", connectedName), (prefix + "Language", "en"), (prefix + "AccountCode", accountCode),
            (prefix + "Context", context), (prefix + "Exten", exten), (prefix + "Priority", String(priority)),
            (prefix + "Uniqueid", uniqueID), (prefix + "Linkedid", linkedID),
        ]
    }
}
