import CRM
import Foundation
import Telephony

extension CallDeskAPI {
    func createCustomer(_ input: Operations.CreateCustomer.Input) async throws -> Operations.CreateCustomer.Output {
        let (user, mask) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let name = try field("name", body.name, maxLength: 100)
        guard (1...5).contains(body.phones.count) else { throw APIError.badField("phones", "must hold 1 to 5 numbers") }
        var phones: [(raw: String, number: PhoneNumber)] = []
        for raw in body.phones {
            guard raw.count <= 40, let number = store.normalizer.normalize(raw).phoneNumber else {
                throw APIError.badField("phones", "'\(raw.prefix(40))' is not a phone number")
            }
            phones.append((raw, number))
        }
        let owner = try body.ownerId.map { raw -> Int in
            guard raw > 0 else { throw APIError.badField("ownerId", "must be a positive id") }
            return Int(raw)
        } ?? user.id
        var customer = NewCustomer(name: name, kind: body.kind.flatMap { CustomerKind(rawValue: $0.rawValue) } ?? .individual,
                                   source: try body.source.map { try field("source", $0, maxLength: 100) }, ownerID: owner, phones: phones,
                                   grade: body.grade.flatMap { LeadGrade(rawValue: $0.rawValue) })
        customer.timeZone = try body.timeZone.map { try zone($0) }
        let id = try await store.createCustomer(customer, by: user)
        return .created(.init(body: .json(try await customerView(id, mask: mask))))
    }

    func updateCustomer(_ input: Operations.UpdateCustomer.Input) async throws -> Operations.UpdateCustomer.Output {
        let (user, mask) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let id = try id(input.path.id)
        try await store.updateCustomer(id, name: try body.name.map { try field("name", $0, maxLength: 100) },
                                       kind: body.kind.flatMap { CustomerKind(rawValue: $0.rawValue) },
                                       source: try body.source.map { try field("source", $0, maxLength: 100) },
                                       timeZone: try body.timeZone.map { $0.isEmpty ? "" : try zone($0) }, by: user)
        return .ok(.init(body: .json(try await customerView(id, mask: mask))))
    }

    func addPhone(_ input: Operations.AddPhone.Input) async throws -> Operations.AddPhone.Output {
        let (user, mask) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let raw = try field("number", body.number, maxLength: 40)
        let (phoneID, number) = try await store.addPhone(customerID: try id(input.path.id), raw: raw, by: user)
        return .created(.init(body: .json(.init(id: Int64(phoneID), number: mask.show(number.e164), kind: try schemaValue(number.kind)))))
    }

    func removePhone(_ input: Operations.RemovePhone.Input) async throws -> Operations.RemovePhone.Output {
        let (user, _) = try viewer()
        try await store.removePhone(customerID: try id(input.path.id), phoneID: try id(input.path.phoneId), by: user)
        return .noContent(.init())
    }

    func recordInteraction(_ input: Operations.RecordInteraction.Input) async throws -> Operations.RecordInteraction.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let note = try field("note", body.note, maxLength: 4000, multiline: true)
        guard let kind = InteractionKind(rawValue: body.kind.rawValue) else { throw APIError.badField("kind", "must be note, visit or complaint") }
        let (interaction, task) = try await store.recordInteraction(customerID: try id(input.path.id), kind: kind, note: note, by: user)
        return .created(.init(body: .json(.init(interactionId: Int64(interaction), taskId: task.map(Int64.init)))))
    }

    func regradeCustomer(_ input: Operations.RegradeCustomer.Input) async throws -> Operations.RegradeCustomer.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        guard let grade = LeadGrade(rawValue: body.grade.rawValue) else { throw APIError.badField("grade", "must be A, B or C") }
        try await store.regradeCustomer(try id(input.path.id), to: grade, reason: try field("reason", body.reason, maxLength: 500), by: user)
        return .noContent(.init())
    }

    /// The 360° view of a customer just written.
    private func customerView(_ id: Int, mask: PhoneMask) async throws -> Components.Schemas.Customer {
        guard let card = try await store.customerCards(ids: [id]).first else { throw CRMError.notFound(entity: "customer", id: "\(id)") }
        return try .init(card, details: try await store.customerDetails(id), mask: mask, now: Date())
    }

    /// A time zone as IANA names it (`America/Los_Angeles`); a 400 naming `timeZone` otherwise.
    private func zone(_ raw: String) throws -> String {
        guard raw.count <= 64, let zone = TimeZone(identifier: raw), raw.contains("/") || raw == "UTC" else {
            throw APIError.badField("timeZone", "'\(raw.prefix(64))' is not an IANA time zone such as Asia/Shanghai")
        }
        return zone.identifier
    }
}
