/// A recording in progress or finished (`POST /channels/{id}/record`).
public struct ARILiveRecording: Sendable, Hashable, Codable {
    public let name: String
    public let format: String
    /// `queued`, `recording`, `paused`, `done`, `failed`, `canceled`.
    public let state: String
    public let targetUri: String?

    enum CodingKeys: String, CodingKey {
        case name, format, state
        case targetUri = "target_uri"
    }
}
