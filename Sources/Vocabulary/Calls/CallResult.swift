/// The business result of a finished call, as a call log and a dialer need it.
public enum CallResult: String, Sendable, Hashable, Codable, CaseIterable {
    case answered
    /// The caller hung up while waiting in a queue.
    case abandoned
    /// Nobody answered (ring timeout, queue timeout, Q.850 18/19).
    case noAnswer = "no_answer"
    /// Q.850 17.
    case busy
    /// Q.850 21: the callee refused.
    case rejected
    /// Q.850 1, 3, 22, 28: the number does not exist or is malformed.
    case invalidNumber = "invalid_number"
    /// Q.850 34, 38, 41, 42, 44: congestion or a network fault.
    case networkFailure = "network_failure"
    /// Nobody answered and the caller reached voicemail (CallDesk's dialplan announces it with
    /// `UserEvent(CallDesk,Result: voicemail)`).
    case voicemail
    /// Anything else that ended without an answer.
    case failed
}
