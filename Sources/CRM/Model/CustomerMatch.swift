/// A customer found by an exact normalised phone number; the screen-pop hot path returns these.
public struct CustomerMatch: Sendable, Hashable, Codable {
    public let id: Int
    public let name: String
    public let kind: CustomerKind
    /// Nobody while the customer is in a pool (公海).
    public let ownerID: Int?

    enum CodingKeys: String, CodingKey {
        case id, name, kind
        case ownerID = "ownerId"
    }
}
