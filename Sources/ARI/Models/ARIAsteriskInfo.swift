/// `GET /asterisk/info`: the build and system of the Asterisk behind ARI.
public struct ARIAsteriskInfo: Sendable, Hashable, Codable {
    /// The system part: version and entity id.
    public struct System: Sendable, Hashable, Codable {
        public let version: String
        public let entityId: String?

        enum CodingKeys: String, CodingKey {
            case version
            case entityId = "entity_id"
        }
    }

    public let system: System?
}
