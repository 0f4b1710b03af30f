/// An insurance policy; its expiry date plans the renewal calls.
public struct PolicyRecord: Sendable, Hashable, Decodable {
    public let id: Int
    public let vehicleId: Int?
    public let insurer: String?
    public let policyNo: String?
    /// `YYYY-MM-DD`.
    public let expiryDate: String
}
