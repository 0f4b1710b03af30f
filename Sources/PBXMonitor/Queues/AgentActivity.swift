import Foundation

/// What an agent is doing, one state across every queue and direct call.
public enum AgentActivity: Sendable, Hashable {
    /// In no queue, or the phone is unavailable.
    case loggedOut
    case available
    /// Rung by a queue (or directly), for a caller.
    case ringing(queue: String?, caller: String?, since: Date)
    /// On a call with `caller`, from `queue` when it came through one.
    case onCall(caller: String?, queue: String?, since: Date)
    /// After a queue call, for the queue's wrap-up time.
    case wrapUp(since: Date)
    case paused(reason: String?, since: Date)

    /// The state's name, as the pages and the API show it.
    public var name: String {
        switch self {
        case .loggedOut: "logged_out"
        case .available: "available"
        case .ringing: "ringing"
        case .onCall: "on_call"
        case .wrapUp: "wrap_up"
        case .paused: "paused"
        }
    }
}
