/// A device or trunk endpoint (`PJSIP/1001`) and the channels it has.
public struct ARIEndpoint: Sendable, Hashable, Codable {
    public let technology: String
    public let resource: String
    public let state: String?
    public let channelIds: [String]

    enum CodingKeys: String, CodingKey {
        case technology, resource, state
        case channelIds = "channel_ids"
    }
}
