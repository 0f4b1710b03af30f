import CRM
import Foundation
import Testing
import TestSupport

/// Contacts, vehicles and insurance policies through the API: checked, kept to the owner's reach,
/// shown in the 360° view, and audited with before and after.
@Suite("HTTP API: contacts, vehicles and policies")
struct APICustomerPartsTests {
    @Test("an agent adds, changes and removes a contact; the phone is normalised and masked; each write is audited",
          arguments: TestEngine.available)
    func contacts(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let base = "/v1/customers/\(daemon.knownCustomer)/contacts"
            let added = try await api.send(base, token: daemon.alice.token, method: .POST,
                                           body: #"{"name": "韩梅梅", "role": "配偶", "birthday": "1990-05-04", "phone": "139-1234-5678"}"#)
            #expect(added.status == 201, "\(added.body)")
            let contact = try added.json()
            let id = try #require(contact["id"] as? Int)
            #expect(contact["phone"] as? String == "+86139****5678" && contact["birthday"] as? String == "1990-05-04")

            let badDay = try await api.send(base, token: daemon.alice.token, method: .POST, body: #"{"name": "x", "birthday": "1990-02-30"}"#)
            let badDayField = try badDay.json()["field"] as? String
            #expect(badDay.status == 400 && badDayField == "birthday")
            let badPhone = try await api.send(base, token: daemon.alice.token, method: .POST, body: #"{"name": "x", "phone": "call me"}"#)
            #expect(badPhone.status == 400)
            let unnamed = try await api.send("\(base)/\(id)", token: daemon.alice.token, method: .PATCH, body: #"{"name": "  "}"#)
            #expect(unnamed.status == 400)

            let changed = try await api.send("\(base)/\(id)", token: daemon.alice.token, method: .PATCH, body: #"{"role": "", "birthday": "1991-06-01"}"#)
            let changedContact = try changed.json()
            #expect(changed.status == 200 && changedContact["role"] == nil && changedContact["birthday"] as? String == "1991-06-01")
            let view = try await api.send("/v1/customers/\(daemon.knownCustomer)", token: daemon.supervisor.token).json()
            let shown = try #require((view["contacts"] as? [[String: Any]])?.first)
            #expect(shown["id"] as? Int == id && shown["name"] as? String == "韩梅梅" && shown["phone"] as? String == "+8613912345678")

            #expect(try await api.send("\(base)/\(id)", token: daemon.bob.token, method: .DELETE).status == 404)
            #expect(try await api.send("\(base)/\(id)", token: daemon.alice.token, method: .DELETE).status == 204)
            #expect(try await api.send("\(base)/\(id)", token: daemon.alice.token, method: .DELETE).status == 404)

            let trail = try await daemon.store.auditTrail(entity: "customer", id: daemon.knownCustomer)
            let writes = trail.filter { $0.action.hasSuffix("_contact") }
            #expect(writes.map(\.action) == ["add_contact", "update_contact", "remove_contact"])
            #expect(writes.allSatisfy { $0.actorId == daemon.alice.user.id })
            let update = try #require(writes.dropFirst().first?.details)
            #expect(update.contains(#""before.birthday":"1990-05-04""#) && update.contains(#""after.birthday":"1991-06-01""#))
            #expect(update.contains(#""before.role":"配偶""#))
        }
    }

    @Test("vehicles: a VIN is checked and belongs to one vehicle; policies only on the customer's own vehicles, once per vehicle and date",
          arguments: TestEngine.available)
    func vehiclesAndPolicies(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let customer = "/v1/customers/\(daemon.knownCustomer)"
            let vehicle = try await api.send("\(customer)/vehicles", token: daemon.alice.token, method: .POST,
                                             body: #"{"vin": "lsvaa4182e2123456", "model": "帕萨特", "plate": "沪A12345", "purchaseDate": "2023-04-18"}"#)
            #expect(vehicle.status == 201, "\(vehicle.body)")
            let vehicleID = try #require(try vehicle.json()["id"] as? Int)
            #expect(try vehicle.json()["vin"] as? String == "LSVAA4182E2123456")
            let withO = try await api.send("\(customer)/vehicles", token: daemon.alice.token, method: .POST, body: #"{"vin": "LSVAA4182E212345O"}"#)
            #expect(withO.status == 400)
            let empty = try await api.send("\(customer)/vehicles", token: daemon.alice.token, method: .POST, body: #"{}"#)
            #expect(empty.status == 400)
            // The same VIN on another customer's record is a conflict, said plainly.
            let other = try await daemon.store.createCustomer(NewCustomer(name: "韩梅梅", ownerID: daemon.bob.user.id,
                phones: [("13900001111", try #require(daemon.store.normalizer.normalize("13900001111").phoneNumber))]))
            let taken = try await api.send("/v1/customers/\(other)/vehicles", token: daemon.bob.token, method: .POST, body: #"{"vin": "LSVAA4182E2123456"}"#)
            #expect(taken.status == 409 && taken.body.contains("VIN"))

            let policy = try await api.send("\(customer)/policies", token: daemon.alice.token, method: .POST,
                                            body: #"{"vehicleId": \#(vehicleID), "insurer": "平安", "policyNo": "PA-1", "expiryDate": "2027-04-17"}"#)
            #expect(policy.status == 201, "\(policy.body)")
            let policyID = try #require(try policy.json()["id"] as? Int)
            let twice = try await api.send("\(customer)/policies", token: daemon.alice.token, method: .POST,
                                           body: #"{"vehicleId": \#(vehicleID), "expiryDate": "2027-04-17"}"#)
            #expect(twice.status == 409)
            let bobsVehicle = try await daemon.store.addPart(.vehicle, to: other, ["model": .text("飞度")], by: daemon.bob.user)
            let notHers = try await api.send("\(customer)/policies", token: daemon.alice.token, method: .POST,
                                             body: #"{"vehicleId": \#(bobsVehicle), "expiryDate": "2027-05-01"}"#)
            let notHersField = try notHers.json()["field"] as? String
            #expect(notHers.status == 422 && notHersField == "vehicleId")
            let noExpiry = try await api.send("\(customer)/policies", token: daemon.alice.token, method: .POST, body: #"{"insurer": "人保"}"#)
            #expect(noExpiry.status == 400)

            let moved = try await api.send("\(customer)/policies/\(policyID)", token: daemon.alice.token, method: .PATCH,
                                           body: #"{"vehicleId": 0, "expiryDate": "2027-05-20"}"#)
            let movedPolicy = try moved.json()
            #expect(moved.status == 200 && movedPolicy["vehicleId"] == nil && movedPolicy["expiryDate"] as? String == "2027-05-20")
            let view = try await api.send(customer, token: daemon.alice.token).json()
            #expect((view["vehicles"] as? [[String: Any]])?.first { $0["id"] as? Int == vehicleID }?["purchaseDate"] as? String == "2023-04-18")
            #expect((view["policies"] as? [[String: Any]])?.first { $0["id"] as? Int == policyID }?["policyNo"] as? String == "PA-1")

            // Another agent cannot reach her records by any of these routes.
            #expect(try await api.send("\(customer)/policies/\(policyID)", token: daemon.bob.token, method: .PATCH, body: #"{"insurer": "x"}"#).status == 404)
            #expect(try await api.send("/v1/customers/\(other)/vehicles/\(vehicleID)", token: daemon.bob.token, method: .DELETE).status == 404)
            #expect(try await api.send("\(customer)/vehicles/\(vehicleID)", token: daemon.alice.token, method: .DELETE).status == 204)
            let after = try await daemon.store.part(.policy, policyID, of: daemon.knownCustomer, as: PolicyRecord.self)
            #expect(after.expiryDate == "2027-05-20", "the policy stays when its vehicle goes")
        }
    }
}
