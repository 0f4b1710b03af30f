/// The records a customer keeps beside its phones: contact persons, vehicles and insurance policies.
/// Each is added, changed and removed the same way (`CRMStore+CustomerParts`), and each write is audited.
public enum CustomerPart: String, Sendable, Hashable, CaseIterable {
    case contact
    case vehicle
    case policy

    /// A field's new value: text, a number (an id), or nothing (cleared).
    public enum Value: Sendable, Hashable, Encodable {
        case text(String)
        case number(Int)
        case null

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            case .null: try container.encodeNil()
            }
        }

        var audited: String {
            switch self {
            case .text(let text): text
            case .number(let number): "\(number)"
            case .null: ""
            }
        }
    }

    var table: String {
        switch self {
        case .contact: "contacts"
        case .vehicle: "vehicles"
        case .policy: "insurance_policies"
        }
    }

    /// The columns a write may set.
    public var columns: [String] {
        switch self {
        case .contact: ["name", "role", "birthday", "phone_e164"]
        case .vehicle: ["vin", "model", "plate", "purchase_date"]
        case .policy: ["vehicle_id", "insurer", "policy_no", "expiry_date"]
        }
    }

    /// Columns that may never be cleared.
    var required: Set<String> {
        switch self {
        case .contact: ["name"]
        case .vehicle: []
        case .policy: ["expiry_date"]
        }
    }
}
