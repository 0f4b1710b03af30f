/// Why an agent asks to cancel a call task (a manager decides).
public enum TaskCancelReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The number is dead or never answers.
    case numberUnreachable = "number_unreachable"
    /// The customer asked not to be called.
    case doNotCall = "do_not_call"
    /// The same call is planned twice.
    case duplicate
    /// The customer bought elsewhere or no longer needs the call.
    case noLongerNeeded = "no_longer_needed"
}
