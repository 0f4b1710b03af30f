import Foundation

/// One API token as it may be listed: never its value, only what it is for and when it ends.
public struct TokenInfo: Sendable, Hashable, Codable {
    public let id: Int
    public let userID: Int
    /// `cli` for tokens an operator issued, `login` for the login page's.
    public let label: String
    public let createdAt: Date
    public let expiresAt: Date?
    public let revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, label, createdAt, expiresAt, revokedAt
        case userID = "userId"
    }
}
