import Vocabulary

/// How the PBX shows one user: desk extension, queue member name, and further device patterns.
public struct AgentIdentity: Sendable, Hashable, Codable {
    public let userID: Int
    public let name: String
    public let role: UserRole
    public let `extension`: String?
    /// Extra device globs (`PJSIP/alice-*`, `SIP/7001*`) from `users.device_patterns`, comma separated there.
    public let devicePatterns: [String]
    public let teamID: Int?

    public init(userID: Int, name: String, role: UserRole, extension: String?, devicePatterns: [String], teamID: Int?) {
        self.userID = userID
        self.name = name
        self.role = role
        self.extension = `extension`
        self.devicePatterns = devicePatterns
        self.teamID = teamID
    }
}
