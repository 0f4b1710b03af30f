import Foundation
import Telephony
import Vocabulary

extension SQLiteReader {
    /// The screen-pop's cards of these customers (in the order given), read in one snapshot on a
    /// reader connection: a pop never waits behind the writer's queue of call-log and audit writes.
    /// The same rows and order as `CRMStore.customerCards` reads through SQLKit on PostgreSQL.
    func cards(ids: [Int]) throws -> [CustomerCard] {
        let idList: SQLiteReadConnection.Argument = .text("[" + ids.map(String.init).joined(separator: ",") + "]")
        var customers: [Int: (name: String, kind: CustomerKind, ownerID: Int?, ownerName: String?, grade: LeadGrade?)] = [:]
        var phones: [Int: [PhoneNumber]] = [:]
        var vehicles: [Int: [CustomerCard.Vehicle]] = [:]
        var policies: [Int: [CustomerCard.Policy]] = [:]
        var tasks: [Int: [CustomerCard.OpenTask]] = [:]
        var interactions: [Int: [CustomerCard.Interaction]] = [:]
        try read { connection in
            try connection.inReadTransaction {
                try connection.rows(.cardCustomers, [idList]) { row in
                    customers[row.int(0)] = (row.text(1), CustomerKind(rawValue: row.text(2)) ?? .individual, row.optionalInt(3),
                                             row.optionalText(4), row.optionalText(5).flatMap(LeadGrade.init(rawValue:)))
                }
                try connection.rows(.cardPhones, [idList]) { row in
                    phones[row.int(0), default: []].append(PhoneNumber(e164: row.text(1), kind: PhoneKind(rawValue: row.text(2)) ?? .other))
                }
                try connection.rows(.cardVehicles, [idList]) { row in
                    vehicles[row.int(1), default: []].append(.init(id: row.int(0), vin: row.optionalText(2), model: row.optionalText(3),
                                                                   plate: row.optionalText(4)))
                }
                try connection.rows(.cardPolicies, [idList]) { row in
                    policies[row.int(1), default: []].append(.init(id: row.int(0), vehicleId: row.optionalInt(2), insurer: row.optionalText(3),
                                                                   expiryDate: row.text(4)))
                }
                try connection.rows(.cardTasks, [idList]) { row in
                    guard let kind = TaskKind(rawValue: row.text(2)) else { return }
                    tasks[row.int(1), default: []].append(.init(id: row.int(0), kind: kind, dueAt: row.date(3), ownerId: row.optionalInt(4),
                                                                note: row.optionalText(5)))
                }
                for id in Set(ids) {
                    try connection.rows(.cardInteractions, [.int(id)]) { row in
                        interactions[id, default: []].append(.init(id: row.int(0), kind: row.text(1), outcome: row.optionalText(2),
                                                                   note: row.optionalText(3), occurredAt: row.date(4)))
                    }
                }
            }
        }
        return ids.compactMap { id in
            guard let customer = customers[id] else { return nil }
            let summary = CustomerSummary(id: id, name: customer.name, kind: customer.kind, phones: phones[id] ?? [], grade: customer.grade,
                                          ownerID: customer.ownerID, ownerName: customer.ownerName)
            return CustomerCard(summary, vehicles: vehicles[id] ?? [], policies: policies[id] ?? [],
                                lastInteractions: interactions[id] ?? [], open: tasks[id] ?? [])
        }
    }

    /// The card queries; `?` of the list queries is a JSON array of customer ids.
    enum Cards {
        static let customers = """
            SELECT c.id, c.name, c.kind, c.owner_id, u.name,
                   (SELECT l.grade FROM leads l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1)
            FROM customers c LEFT JOIN users u ON u.id = c.owner_id
            WHERE c.id IN (SELECT value FROM json_each(CAST(? AS TEXT)))
            """
        static let phones = "SELECT customer_id, e164, kind FROM phones WHERE customer_id IN (SELECT value FROM json_each(CAST(? AS TEXT))) ORDER BY id"
        static let vehicles = """
            SELECT id, customer_id, vin, model, plate FROM vehicles WHERE customer_id IN (SELECT value FROM json_each(CAST(? AS TEXT))) ORDER BY id
            """
        static let policies = """
            SELECT id, customer_id, vehicle_id, insurer, expiry_date FROM insurance_policies
            WHERE customer_id IN (SELECT value FROM json_each(CAST(? AS TEXT))) ORDER BY expiry_date, id
            """
        static let tasks = """
            SELECT id, customer_id, kind, due_at, owner_id, note FROM tasks
            WHERE customer_id IN (SELECT value FROM json_each(CAST(? AS TEXT))) AND status = '\(TaskStatus.open.rawValue)' ORDER BY due_at, id
            """
        static let interactions = """
            SELECT id, kind, outcome, note, occurred_at FROM interactions WHERE customer_id = CAST(? AS INTEGER) ORDER BY occurred_at DESC, id DESC LIMIT 5
            """
    }
}
