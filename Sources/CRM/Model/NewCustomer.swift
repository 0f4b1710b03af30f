import Foundation
import Telephony

/// Everything needed to create a customer with phones, a lead, vehicles and policies in one go.
public struct NewCustomer: Sendable, Hashable {
    public var name: String
    public var kind: CustomerKind
    public var source: String?
    /// Nobody: the customer goes into the team pool of `poolTeamID` (the whole centre's without one).
    public var ownerID: Int?
    public var poolTeamID: Int?
    /// The customer's time zone (IANA), when it is not the centre's: its calls fall in working hours there.
    public var timeZone: String?
    /// Each phone as written and as normalised.
    public var phones: [(raw: String, number: PhoneNumber)]
    public var grade: LeadGrade?
    public var vehicles: [NewVehicle]
    /// Policy expiry dates (`YYYY-MM-DD`) not tied to a vehicle in the input.
    public var policyExpiries: [String]

    public init(name: String, kind: CustomerKind = .individual, source: String? = nil, ownerID: Int?, poolTeamID: Int? = nil,
                phones: [(raw: String, number: PhoneNumber)], grade: LeadGrade? = nil,
                vehicles: [NewVehicle] = [], policyExpiries: [String] = []) {
        self.name = name
        self.kind = kind
        self.source = source
        self.ownerID = ownerID
        self.poolTeamID = poolTeamID
        self.phones = phones
        self.grade = grade
        self.vehicles = vehicles
        self.policyExpiries = policyExpiries
    }

    public static func == (lhs: NewCustomer, rhs: NewCustomer) -> Bool {
        lhs.name == rhs.name && lhs.kind == rhs.kind && lhs.source == rhs.source && lhs.ownerID == rhs.ownerID && lhs.poolTeamID == rhs.poolTeamID
            && lhs.phones.map(\.number) == rhs.phones.map(\.number) && lhs.grade == rhs.grade
            && lhs.vehicles == rhs.vehicles && lhs.policyExpiries == rhs.policyExpiries
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(phones.map(\.number))
    }
}

/// A vehicle to attach to a new or existing customer; `policyExpiry` adds its insurance policy.
public struct NewVehicle: Sendable, Hashable {
    public var vin: String?
    public var model: String?
    public var plate: String?
    public var policyExpiry: String?

    public init(vin: String? = nil, model: String? = nil, plate: String? = nil, policyExpiry: String? = nil) {
        self.vin = vin
        self.model = model
        self.plate = plate
        self.policyExpiry = policyExpiry
    }
}
