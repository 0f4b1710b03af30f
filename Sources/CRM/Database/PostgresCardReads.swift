import Foundation
import PostgresKit
import Vocabulary

/// A screen-pop's cards read from PostgreSQL by prepared statements, each parsed and planned once per
/// connection and asked of the list of customers (`= ANY($1)`): the rows `SQLiteReader+Cards` reads
/// from SQLite, in the same order. SQLKit's queries were parsed and planned at every pop.
enum PostgresCardReads {
    /// The customers with their phones, current grade, owner and owner's team: a row per phone (one
    /// for a customer without any), as `PostgresNumberSummaries` gives them for one number.
    struct Summaries: PostgresCustomersStatement {
        typealias Row = PostgresNumberSummaries.Row
        static let sql = """
            SELECT c.id, c.name, c.kind, c.owner_id, u.name,
                   CASE WHEN c.owner_id IS NULL THEN c.pool_team_id ELSE u.team_id END,
                   (SELECT l.grade FROM leads l WHERE l.customer_id = c.id ORDER BY l.id DESC LIMIT 1),
                   o.e164, o.kind
            FROM customers c LEFT JOIN users u ON u.id = c.owner_id LEFT JOIN phones o ON o.customer_id = c.id
            WHERE c.id = ANY($1) ORDER BY c.id, o.id
            """
        let ids: [Int]

        func decodeRow(_ row: PostgresRow) throws -> Row { try PostgresNumberSummaries.decode(row) }
    }

    /// The customers' vehicles, by id.
    struct Vehicles: PostgresCustomersStatement {
        typealias Row = (customerID: Int, vehicle: CustomerCard.Vehicle)
        static let sql = "SELECT customer_id, id, vin, model, plate FROM vehicles WHERE customer_id = ANY($1) ORDER BY id"
        let ids: [Int]

        func decodeRow(_ row: PostgresRow) throws -> Row {
            let (customerID, id, vin, model, plate) = try row.decode((Int, Int, String?, String?, String?).self)
            return (customerID, CustomerCard.Vehicle(id: id, vin: vin, model: model, plate: plate))
        }
    }

    /// The customers' insurance policies, soonest expiry first.
    struct Policies: PostgresCustomersStatement {
        typealias Row = (customerID: Int, policy: CustomerCard.Policy)
        static let sql = """
            SELECT customer_id, id, vehicle_id, insurer, expiry_date FROM insurance_policies
            WHERE customer_id = ANY($1) ORDER BY expiry_date, id
            """
        let ids: [Int]

        func decodeRow(_ row: PostgresRow) throws -> Row {
            let (customerID, id, vehicleID, insurer, expiry) = try row.decode((Int, Int, Int?, String?, String).self)
            return (customerID, CustomerCard.Policy(id: id, vehicleId: vehicleID, insurer: insurer, expiryDate: expiry))
        }
    }

    /// The customers' open tasks, soonest due first.
    struct OpenTasks: PostgresCustomersStatement {
        /// No task where the row's kind is none CallDesk knows (as SQLite's reader skips it).
        typealias Row = (customerID: Int, task: CustomerCard.OpenTask?)
        static let sql = """
            SELECT customer_id, id, kind, due_at, owner_id, note FROM tasks
            WHERE customer_id = ANY($1) AND status = '\(TaskStatus.open.rawValue)' ORDER BY due_at, id
            """
        let ids: [Int]

        func decodeRow(_ row: PostgresRow) throws -> Row {
            let (customerID, id, kind, due, ownerID, note) = try row.decode((Int, Int, String, Date, Int?, String?).self)
            return (customerID, TaskKind(rawValue: kind).map { CustomerCard.OpenTask(id: id, kind: $0, dueAt: due, ownerId: ownerID, note: note) })
        }
    }

    /// The last five contacts of each customer.
    struct LastInteractions: PostgresCustomersStatement {
        typealias Row = (customerID: Int, interaction: CustomerCard.Interaction)
        static let sql = """
            SELECT i.customer_id, i.id, i.kind, i.outcome, i.note, i.occurred_at FROM unnest($1::bigint[]) AS wanted(id)
            CROSS JOIN LATERAL (SELECT * FROM interactions WHERE customer_id = wanted.id ORDER BY occurred_at DESC, id DESC LIMIT 5) i
            ORDER BY i.customer_id, i.occurred_at DESC, i.id DESC
            """
        let ids: [Int]

        func decodeRow(_ row: PostgresRow) throws -> Row {
            let (customerID, id, kind, outcome, note, occurred) = try row.decode((Int, Int, String, String?, String?, Date).self)
            return (customerID, CustomerCard.Interaction(id: id, kind: kind, outcome: outcome, note: note, occurredAt: occurred))
        }
    }
}
