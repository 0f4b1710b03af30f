/// Which way a call went, from the dialplan context its first leg started in.
public enum CallDirection: String, Sendable, Hashable, Codable, CaseIterable {
    case inbound, outbound, `internal`
}
