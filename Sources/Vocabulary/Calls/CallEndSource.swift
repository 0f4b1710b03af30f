/// How a call's end became known.
public enum CallEndSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// Its last channel's Hangup was seen.
    case hangup
    /// Its channels were gone after an AMI reconnect: ended while the link was down.
    case resync
    /// Found still open when CallDesk started (it had stopped or crashed mid-call) and gone from the PBX.
    case recovery
}
