/// Media being played to a channel or bridge (`POST /channels/{id}/play`).
public struct ARIPlayback: Sendable, Hashable, Codable {
    public let id: String
    public let mediaUri: String
    public let targetUri: String
    /// `queued`, `playing`, `done`, `failed`, …
    public let state: String

    enum CodingKeys: String, CodingKey {
        case id, state
        case mediaUri = "media_uri"
        case targetUri = "target_uri"
    }
}
