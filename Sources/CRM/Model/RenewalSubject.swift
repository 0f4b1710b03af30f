import Foundation

/// A policy that may need a renewal or win-back call: whose, on which vehicle, expiring when.
public struct RenewalPolicy: Sendable, Hashable, Decodable {
    public let id: Int
    public let customerId: Int
    /// Nobody while the customer waits in a pool.
    public let ownerId: Int?
    public let vehicleId: Int?
    /// `YYYY-MM-DD`.
    public let expiryDate: String

    public init(id: Int, customerId: Int, ownerId: Int?, vehicleId: Int?, expiryDate: String) {
        (self.id, self.customerId, self.ownerId, self.vehicleId, self.expiryDate) = (id, customerId, ownerId, vehicleId, expiryDate)
    }
}

/// A customer's contact with a birthday, for a greeting call.
public struct BirthdayContact: Sendable, Hashable, Decodable {
    public let id: Int
    public let customerId: Int
    /// Nobody while the customer waits in a pool.
    public let ownerId: Int?
    public let name: String
    /// `YYYY-MM-DD`.
    public let birthday: String

    public init(id: Int, customerId: Int, ownerId: Int?, name: String, birthday: String) {
        (self.id, self.customerId, self.ownerId, self.name, self.birthday) = (id, customerId, ownerId, name, birthday)
    }
}
