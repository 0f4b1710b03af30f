import Vocabulary

/// A person who uses CallDesk: an agent at a phone, a supervisor or an admin.
public struct User: Sendable, Hashable, Codable {
    public let id: Int
    public let name: String
    public let role: UserRole
    /// The desk extension (`1001`) that identifies the agent's device on the PBX.
    public let `extension`: String?
    public let teamID: Int?
    public let seniority: Int

    public init(id: Int, name: String, role: UserRole, extension: String?, teamID: Int?, seniority: Int) {
        self.id = id
        self.name = name
        self.role = role
        self.extension = `extension`
        self.teamID = teamID
        self.seniority = seniority
    }

    enum CodingKeys: String, CodingKey {
        case id, name, role, `extension`, seniority
        case teamID = "teamId"
    }
}
