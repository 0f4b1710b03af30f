import CRM
import Foundation

/// Contacts, vehicles and policies: one way to add, change and remove each (`CustomerPart`).
extension CallDeskAPI {
    func addContact(_ input: Operations.AddContact.Input) async throws -> Operations.AddContact.Output {
        let (user, mask) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let values = try contactValues(name: body.name, role: body.role, birthday: body.birthday, phone: body.phone, clearing: false)
        let customer = try id(input.path.id)
        let id = try await store.addPart(.contact, to: customer, values, by: user)
        return .created(.init(body: .json(.init(try await store.part(.contact, id, of: customer, as: ContactRecord.self), mask: mask))))
    }

    func updateContact(_ input: Operations.UpdateContact.Input) async throws -> Operations.UpdateContact.Output {
        let (user, mask) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let values = try contactValues(name: body.name, role: body.role, birthday: body.birthday, phone: body.phone, clearing: true)
        let (customer, contact) = (try id(input.path.id), try id(input.path.contactId))
        try await store.changePart(.contact, contact, of: customer, values, by: user)
        return .ok(.init(body: .json(.init(try await store.part(.contact, contact, of: customer, as: ContactRecord.self), mask: mask))))
    }

    func removeContact(_ input: Operations.RemoveContact.Input) async throws -> Operations.RemoveContact.Output {
        let (user, _) = try viewer()
        try await store.removePart(.contact, try id(input.path.contactId), of: try id(input.path.id), by: user)
        return .noContent(.init())
    }

    func addVehicle(_ input: Operations.AddVehicle.Input) async throws -> Operations.AddVehicle.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let values = try vehicleValues(vin: body.vin, model: body.model, plate: body.plate, purchaseDate: body.purchaseDate, clearing: false)
        guard !values.isEmpty else { throw APIError.badField("vin", "or model or plate is needed to tell the vehicle") }
        let customer = try id(input.path.id)
        let id = try await store.addPart(.vehicle, to: customer, values, by: user)
        return .created(.init(body: .json(.init(try await store.part(.vehicle, id, of: customer, as: VehicleRecord.self)))))
    }

    func updateVehicle(_ input: Operations.UpdateVehicle.Input) async throws -> Operations.UpdateVehicle.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let values = try vehicleValues(vin: body.vin, model: body.model, plate: body.plate, purchaseDate: body.purchaseDate, clearing: true)
        let (customer, vehicle) = (try id(input.path.id), try id(input.path.vehicleId))
        try await store.changePart(.vehicle, vehicle, of: customer, values, by: user)
        return .ok(.init(body: .json(.init(try await store.part(.vehicle, vehicle, of: customer, as: VehicleRecord.self)))))
    }

    func removeVehicle(_ input: Operations.RemoveVehicle.Input) async throws -> Operations.RemoveVehicle.Output {
        let (user, _) = try viewer()
        try await store.removePart(.vehicle, try id(input.path.vehicleId), of: try id(input.path.id), by: user)
        return .noContent(.init())
    }

    func addPolicy(_ input: Operations.AddPolicy.Input) async throws -> Operations.AddPolicy.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let values = try policyValues(vehicleId: body.vehicleId, insurer: body.insurer, policyNo: body.policyNo, expiryDate: body.expiryDate, clearing: false)
        let customer = try id(input.path.id)
        let id = try await store.addPart(.policy, to: customer, values, by: user)
        return .created(.init(body: .json(.init(try await store.part(.policy, id, of: customer, as: PolicyRecord.self)))))
    }

    func updatePolicy(_ input: Operations.UpdatePolicy.Input) async throws -> Operations.UpdatePolicy.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let values = try policyValues(vehicleId: body.vehicleId, insurer: body.insurer, policyNo: body.policyNo, expiryDate: body.expiryDate, clearing: true)
        let (customer, policy) = (try id(input.path.id), try id(input.path.policyId))
        try await store.changePart(.policy, policy, of: customer, values, by: user)
        return .ok(.init(body: .json(.init(try await store.part(.policy, policy, of: customer, as: PolicyRecord.self)))))
    }

    func removePolicy(_ input: Operations.RemovePolicy.Input) async throws -> Operations.RemovePolicy.Output {
        let (user, _) = try viewer()
        try await store.removePart(.policy, try id(input.path.policyId), of: try id(input.path.id), by: user)
        return .noContent(.init())
    }

    // MARK: Fields

    private func contactValues(name: String?, role: String?, birthday: String?, phone: String?, clearing: Bool) throws -> [String: CustomerPart.Value] {
        var values: [String: CustomerPart.Value] = [:]
        values["name"] = try name.map { .text(try field("name", $0, maxLength: 100)) }
        values["role"] = try partText("role", role, maxLength: 50, clearing: clearing)
        values["birthday"] = try partDate("birthday", birthday, clearing: clearing)
        values["phone_e164"] = try phone.map { raw -> CustomerPart.Value in
            if clearing, raw.isEmpty { return .null }
            guard raw.count <= 40, let number = store.normalizer.normalize(raw).phoneNumber else {
                throw APIError.badField("phone", "'\(raw.prefix(40))' is not a phone number")
            }
            return .text(number.e164)
        }
        return values
    }

    private func vehicleValues(vin: String?, model: String?, plate: String?, purchaseDate: String?, clearing: Bool) throws -> [String: CustomerPart.Value] {
        var values: [String: CustomerPart.Value] = [:]
        values["vin"] = try vin.map { raw -> CustomerPart.Value in
            if clearing, raw.isEmpty { return .null }
            let vin = raw.trimmingCharacters(in: .whitespaces).uppercased()
            let allowed = Set("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
            guard vin.count == 17, vin.allSatisfy(allowed.contains) else {
                throw APIError.badField("vin", "must be 17 letters and digits without I, O or Q")
            }
            return .text(vin)
        }
        values["model"] = try partText("model", model, maxLength: 100, clearing: clearing)
        values["plate"] = try partText("plate", plate, maxLength: 20, clearing: clearing)
        values["purchase_date"] = try partDate("purchaseDate", purchaseDate, clearing: clearing)
        return values
    }

    private func policyValues(vehicleId: Int64?, insurer: String?, policyNo: String?, expiryDate: String?, clearing: Bool) throws -> [String: CustomerPart.Value] {
        var values: [String: CustomerPart.Value] = [:]
        values["vehicle_id"] = try vehicleId.map { raw -> CustomerPart.Value in
            if clearing, raw == 0 { return .null }
            guard raw > 0, raw <= Int64(Int32.max) else { throw APIError.badField("vehicleId", "must be a vehicle's id") }
            return .number(Int(raw))
        }
        values["insurer"] = try partText("insurer", insurer, maxLength: 100, clearing: clearing)
        values["policy_no"] = try partText("policyNo", policyNo, maxLength: 50, clearing: clearing)
        values["expiry_date"] = try partDate("expiryDate", expiryDate, clearing: false)
        return values
    }

    /// An optional text field: absent leaves it; on a change, empty clears it.
    private func partText(_ name: String, _ raw: String?, maxLength: Int, clearing: Bool) throws -> CustomerPart.Value? {
        guard let raw else { return nil }
        if clearing, raw.trimmingCharacters(in: .whitespaces).isEmpty { return .null }
        return .text(try field(name, raw, maxLength: maxLength))
    }

    /// An optional `YYYY-MM-DD` field that must name a real day; on a change, empty clears it.
    private func partDate(_ name: String, _ raw: String?, clearing: Bool) throws -> CustomerPart.Value? {
        guard let raw else { return nil }
        if clearing, raw.isEmpty { return .null }
        guard raw.count == 10, (try? DateParameter(timeZone: settings.timeZone).parse(name, raw)) != nil else {
            throw APIError.badField(name, "must be a real date like 2027-03-15")
        }
        return .text(raw)
    }
}
