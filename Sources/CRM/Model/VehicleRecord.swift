/// A vehicle a customer owns.
public struct VehicleRecord: Sendable, Hashable, Decodable {
    public let id: Int
    public let vin: String?
    public let model: String?
    public let plate: String?
    /// `YYYY-MM-DD`.
    public let purchaseDate: String?
}
