import Foundation
import SQLKit
import Telephony
import Vocabulary

extension CRMStore {
    /// Screen-pop cards for these customers, in the same order: a handful of indexed reads.
    public func customerCards(ids: [Int]) async throws -> [CustomerCard] {
        guard !ids.isEmpty else { return [] }
        // SQLite: one snapshot on a reader connection, never queued behind the writer.
        if let reader = database.reader { return try reader.cards(ids: ids) }
        // PostgreSQL: independent reads, each on its own connection, overlapping (a screen-pop waits
        // for one round trip instead of six).
        async let summariesRead = summaries(ids: ids)
        async let vehiclesRead = database.withConnection { sql in
            try await sql.select().columns("id", "customer_id", "vin", "model", "plate").from("vehicles")
                .where("customer_id", .in, ids).orderBy("id")
                .all(decoding: VehicleRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        async let policiesRead = database.withConnection { sql in
            try await sql.select().columns("id", "customer_id", "vehicle_id", "insurer", "expiry_date")
                .from("insurance_policies").where("customer_id", .in, ids).orderBy("expiry_date").orderBy("id")
                .all(decoding: PolicyRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        async let tasksRead = database.withConnection { sql in
            try await sql.select().columns("id", "customer_id", "kind", "due_at", "owner_id", "note").from("tasks")
                .where("customer_id", .in, ids).where("status", .equal, TaskStatus.open.rawValue).orderBy("due_at").orderBy("id")
                .all(decoding: TaskRow.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        async let interactionsRead = database.withConnection { sql in
            var interactions: [Int: [CustomerCard.Interaction]] = [:]
            for id in ids {
                interactions[id] = try await sql.select().columns("id", "kind", "outcome", "note", "occurred_at").from("interactions")
                    .where("customer_id", .equal, id).orderBy("occurred_at", .descending).orderBy("id", .descending).limit(5)
                    .all(decoding: CustomerCard.Interaction.self, keyDecodingStrategy: .convertFromSnakeCase)
            }
            return interactions
        }
        let (summaries, vehicles, policies, tasks, interactions) = try await (summariesRead, vehiclesRead, policiesRead, tasksRead, interactionsRead)
        let vehiclesOf = Dictionary(grouping: vehicles, by: \.customerId)
        let policiesOf = Dictionary(grouping: policies, by: \.customerId)
        let tasksOf = Dictionary(grouping: tasks, by: \.customerId)
        return summaries.map { summary in
            CustomerCard(summary,
                         vehicles: (vehiclesOf[summary.id] ?? []).map { .init(id: $0.id, vin: $0.vin, model: $0.model, plate: $0.plate) },
                         policies: (policiesOf[summary.id] ?? []).map {
                             .init(id: $0.id, vehicleId: $0.vehicleId, insurer: $0.insurer, expiryDate: $0.expiryDate)
                         },
                         lastInteractions: interactions[summary.id] ?? [],
                         open: (tasksOf[summary.id] ?? []).map {
                             CustomerCard.OpenTask(id: $0.id, kind: $0.kind, dueAt: $0.dueAt, ownerId: $0.ownerId, note: $0.note)
                         })
        }
    }

    private struct VehicleRow: Decodable, Sendable { let id: Int; let customerId: Int; let vin: String?; let model: String?; let plate: String? }
    private struct PolicyRow: Decodable, Sendable { let id: Int; let customerId: Int; let vehicleId: Int?; let insurer: String?; let expiryDate: String }
    private struct TaskRow: Decodable, Sendable { let id: Int; let customerId: Int; let kind: TaskKind; let dueAt: Date; let ownerId: Int?; let note: String? }
}
