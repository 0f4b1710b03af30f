/// Whether a call is still going on.
public enum CallStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case live, ended
}
