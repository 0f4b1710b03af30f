import Foundation
import Telephony
import Vocabulary

/// Everything an agent should see about a caller before saying hello.
public struct CustomerCard: Sendable, Hashable, Codable {
    public let id: Int
    public let name: String
    public let kind: CustomerKind
    public let grade: LeadGrade?
    /// Nobody while the customer is in a pool (公海).
    public let ownerID: Int?
    public let ownerName: String?
    public let phones: [PhoneNumber]
    public let vehicles: [Vehicle]
    public let policies: [Policy]
    /// The last five, newest first.
    public let lastInteractions: [Interaction]
    public let openTasks: [OpenTask]
    public let openComplaints: [OpenTask]

    /// A vehicle the customer owns.
    public struct Vehicle: Sendable, Hashable, Codable {
        public let id: Int
        public let vin: String?
        public let model: String?
        public let plate: String?
    }

    /// An insurance policy and when it expires (`YYYY-MM-DD`).
    public struct Policy: Sendable, Hashable, Codable {
        public let id: Int
        public let vehicleId: Int?
        public let insurer: String?
        public let expiryDate: String
    }

    /// A past contact: a call outcome, a visit, a note.
    public struct Interaction: Sendable, Hashable, Codable {
        public let id: Int
        public let kind: String
        public let outcome: String?
        public let note: String?
        public let occurredAt: Date
    }

    /// A task that is still open for this customer.
    public struct OpenTask: Sendable, Hashable, Codable {
        public let id: Int
        public let kind: TaskKind
        public let dueAt: Date
        public let ownerId: Int?
        public let note: String?
    }

    enum CodingKeys: String, CodingKey {
        case id, name, kind, grade, ownerName, phones, vehicles, policies, lastInteractions, openTasks, openComplaints
        case ownerID = "ownerId"
    }
}

extension CustomerCard {
    /// A card from a customer's summary and parts; open complaints are listed apart from the other open tasks.
    init(_ summary: CustomerSummary, vehicles: [Vehicle], policies: [Policy], lastInteractions: [Interaction], open: [OpenTask]) {
        self.init(id: summary.id, name: summary.name, kind: summary.kind, grade: summary.grade, ownerID: summary.ownerID,
                  ownerName: summary.ownerName, phones: summary.phones, vehicles: vehicles, policies: policies,
                  lastInteractions: lastInteractions, openTasks: open.filter { $0.kind != .complaint },
                  openComplaints: open.filter { $0.kind == .complaint })
    }

    /// The same card with every phone number passed through `show` (agents see them masked).
    public func withPhones(_ show: (String) -> String) -> CustomerCard {
        CustomerCard(id: id, name: name, kind: kind, grade: grade, ownerID: ownerID, ownerName: ownerName,
                     phones: phones.map { PhoneNumber(e164: show($0.e164), kind: $0.kind) }, vehicles: vehicles, policies: policies,
                     lastInteractions: lastInteractions, openTasks: openTasks, openComplaints: openComplaints)
    }
}
