/// A bridge (a conference of channels) as ARI describes it.
public struct ARIBridge: Sendable, Hashable, Codable {
    public let id: String
    public let technology: String?
    public let bridgeType: String?
    public let bridgeClass: String?
    public let name: String?
    public let channels: [String]

    enum CodingKeys: String, CodingKey {
        case id, technology, name, channels
        case bridgeType = "bridge_type"
        case bridgeClass = "bridge_class"
    }
}
