import CRM
import Foundation

extension CallDeskAPI {
    func mergeCustomers(_ input: Operations.MergeCustomers.Input) async throws -> Operations.MergeCustomers.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        guard body.dropId > 0 else { throw APIError.badField("dropId", "must be a positive id") }
        let report = try await roleRestricted { try await store.mergeCustomers(keep: try id(input.path.id), drop: Int(body.dropId), by: user) }
        return .ok(.init(body: .json(.init(
            keptId: Int64(report.keptID), droppedId: Int64(report.droppedID), phonesMoved: report.phonesMoved,
            phonesAlreadyPresent: report.phonesAlreadyPresent, leadsMoved: report.leadsMoved, tasksMoved: report.tasksMoved,
            callsMoved: report.callsMoved, interactionsMoved: report.interactionsMoved, vehiclesMoved: report.vehiclesMoved,
            policiesMoved: report.policiesMoved, contactsMoved: report.contactsMoved))))
    }

    func reassignCustomer(_ input: Operations.ReassignCustomer.Input) async throws -> Operations.ReassignCustomer.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        guard body.ownerId > 0 else { throw APIError.badField("ownerId", "must be a positive id") }
        let reason = try field("reason", body.reason, maxLength: 500)
        try await roleRestricted { try await store.reassignCustomer(try id(input.path.id), to: Int(body.ownerId), reason: reason, by: user) }
        return .noContent(.init())
    }

    /// Runs a write only some roles may make: the store's `forbidden` (a role, not a record out of
    /// reach, which is not found) answers 403.
    func roleRestricted<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch CRMError.forbidden(let message) {
            throw APIError(.forbidden, code: "forbidden", message: message)
        }
    }
}
