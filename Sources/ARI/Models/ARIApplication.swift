/// A Stasis application as Asterisk knows it: registered by an event socket, with what it hears.
public struct ARIApplication: Sendable, Hashable, Codable {
    public let name: String
    public let channelIDs: [String]
    public let bridgeIDs: [String]

    enum CodingKeys: String, CodingKey {
        case name
        case channelIDs = "channel_ids"
        case bridgeIDs = "bridge_ids"
    }
}
