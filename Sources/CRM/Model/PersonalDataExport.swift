import Foundation

/// Everything CallDesk holds about one person, for a request under China's PIPL: the customer, their
/// phones, contacts, vehicles, policies, leads with grade history, contacts made, calls and tasks.
public struct PersonalDataExport: Sendable, Codable {
    public struct Phone: Sendable, Codable { public let e164: String; public let raw: String; public let kind: String }
    public struct Contact: Sendable, Codable { public let name: String; public let role: String?; public let birthday: String?; public let phoneE164: String? }
    public struct Vehicle: Sendable, Codable { public let vin: String?; public let model: String?; public let plate: String?; public let purchaseDate: String? }
    public struct Policy: Sendable, Codable { public let insurer: String?; public let policyNo: String?; public let expiryDate: String }
    public struct GradeChange: Sendable, Codable { public let previousGrade: String?; public let grade: String; public let reason: String?; public let changedAt: Date }
    public struct Lead: Sendable, Codable {
        public let id: Int
        public let grade: String
        public let stage: String
        public var history: [GradeChange] = []

        enum CodingKeys: CodingKey { case id, grade, stage, history }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            id = try container.decode(Int.self, forKey: .id)
            grade = try container.decode(String.self, forKey: .grade)
            stage = try container.decode(String.self, forKey: .stage)
            history = try container.decodeIfPresent([GradeChange].self, forKey: .history) ?? []
        }
    }
    public struct Interaction: Sendable, Codable { public let kind: String; public let outcome: String?; public let note: String?; public let occurredAt: Date }
    public struct Call: Sendable, Codable {
        public let id: Int; public let direction: String; public let caller: String?; public let callee: String?
        public let ringAt: Date?; public let result: String?; public let recording: String?
    }
    public struct Task: Sendable, Codable { public let kind: String; public let status: String; public let dueAt: Date; public let note: String?; public let result: String? }

    public let customerId: Int
    public let name: String
    public let kind: String
    public let source: String?
    public let createdAt: Date
    public let phones: [Phone]
    public let contacts: [Contact]
    public let vehicles: [Vehicle]
    public let policies: [Policy]
    public let leads: [Lead]
    public let interactions: [Interaction]
    public let calls: [Call]
    public let tasks: [Task]
}
