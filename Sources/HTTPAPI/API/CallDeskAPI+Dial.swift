import CRM
import Foundation
import Vocabulary
import Workflows

extension CallDeskAPI {
    func dial(_ input: Operations.Dial.Input) async throws -> Operations.Dial.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        guard let dialer = dialers.first else { throw APIError(.serviceUnavailable, code: "unavailable", message: "this server dials through no PBX") }
        guard let ext = user.extension else { throw CRMError.conflict("you have no extension: an admin sets one for your phone") }
        let customer = try id(body.customerId)
        try await store.requireCustomer(customer, visibleTo: user)
        guard let card = try await store.customerCards(ids: [customer]).first else { throw CRMError.notFound(entity: "customer", id: "\(customer)") }
        let index = body.phoneIndex ?? 0
        guard card.phones.indices.contains(index) else { throw APIError.badField("phoneIndex", "the customer has \(card.phones.count) phone(s)") }
        let task = try body.taskId.map { try id($0) }
        if let task {
            let tasks = try await store.tasks(TaskFilter(customerID: customer, limit: 500), visibleTo: user)
            guard tasks.contains(where: { $0.id == task && $0.status == .open }) else { throw CRMError.notFound(entity: "task", id: "\(task)") }
        }
        let actionID: String
        do {
            actionID = try await dialer.dial(agentExtension: ext, number: card.phones[index], taskID: task)
        } catch {
            logger.error("dial failed", metadata: ["user": "\(user.id)", "customer": "\(customer)", "error": "\(error)"])
            throw APIError(.serviceUnavailable, code: "pbx_unavailable", message: "the PBX did not take the call; try again shortly")
        }
        try await store.auditAction(actor: user.id, action: "dial", entity: "customer", entityID: customer,
                                    details: ["task": task.map(String.init) ?? "", "pbx": dialer.pbx])
        return .accepted(.init(body: .json(.init(pbx: dialer.pbx, actionId: actionID))))
    }
}
