import Foundation

/// An agent as the wallboard and their console show them: one state across queues, and today's counts.
public struct AgentBoard: Sendable, Hashable, Codable {
    public let event: String
    public let pbx: String
    public let interface: String
    public let userId: Int?
    public let name: String?
    public let `extension`: String?
    public let queues: [String]
    /// `logged_out`, `available`, `ringing`, `on_call`, `wrap_up` or `paused`.
    public let state: String
    public let since: Date?
    /// The pause code, while paused.
    public let reason: String?
    /// A pause past its code's limit.
    public let overLimit: Bool
    /// Who the agent talks to or is rung for, and through which queue.
    public let caller: String?
    public let queue: String?
    public let callsToday: Int
    public let talkSecondsToday: Int
    public let pauseSecondsToday: Int
}

extension AgentBoard {
    /// The same board with the caller's number passed through `show`.
    public func withNumbers(_ show: (String) -> String) -> AgentBoard {
        AgentBoard(event: event, pbx: pbx, interface: interface, userId: userId, name: name, extension: `extension`, queues: queues, state: state,
                   since: since, reason: reason, overLimit: overLimit, caller: caller.map(show), queue: queue, callsToday: callsToday,
                   talkSecondsToday: talkSecondsToday, pauseSecondsToday: pauseSecondsToday)
    }
}
