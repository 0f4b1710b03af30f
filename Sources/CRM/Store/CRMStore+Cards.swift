import Foundation
import SQLKit
import Telephony

extension CRMStore {
    /// Screen-pop cards for these customers, in the same order: a handful of indexed reads in one lease.
    public func customerCards(ids: [Int]) async throws -> [CustomerCard] {
        guard !ids.isEmpty else { return [] }
        return try await database.withConnection { sql in
            let summaries = try await summaries(ids: ids, in: sql)
            struct VehicleRow: Decodable { let id: Int; let customerId: Int; let vin: String?; let model: String?; let plate: String? }
            struct PolicyRow: Decodable { let id: Int; let customerId: Int; let vehicleId: Int?; let insurer: String?; let expiryDate: String }
            struct TaskRow: Decodable { let id: Int; let customerId: Int; let kind: String; let dueAt: Date; let ownerId: Int?; let note: String? }
            let vehicles = try await sql.select().columns("id", "customer_id", "vin", "model", "plate").from("vehicles")
                .where("customer_id", .in, ids).orderBy("id")
                .all(decoding: VehicleRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            let policies = try await sql.select().columns("id", "customer_id", "vehicle_id", "insurer", "expiry_date")
                .from("insurance_policies").where("customer_id", .in, ids).orderBy("expiry_date")
                .all(decoding: PolicyRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            let tasks = try await sql.select().columns("id", "customer_id", "kind", "due_at", "owner_id", "note").from("tasks")
                .where("customer_id", .in, ids).where("status", .equal, "open").orderBy("due_at")
                .all(decoding: TaskRow.self, keyDecodingStrategy: .convertFromSnakeCase)
            var interactions: [Int: [CustomerCard.Interaction]] = [:]
            for id in ids {
                interactions[id] = try await sql.select().columns("id", "kind", "outcome", "note", "occurred_at").from("interactions")
                    .where("customer_id", .equal, id).orderBy("occurred_at", .descending).orderBy("id", .descending).limit(5)
                    .all(decoding: CustomerCard.Interaction.self, keyDecodingStrategy: .convertFromSnakeCase)
            }
            let vehiclesOf = Dictionary(grouping: vehicles, by: \.customerId)
            let policiesOf = Dictionary(grouping: policies, by: \.customerId)
            let tasksOf = Dictionary(grouping: tasks, by: \.customerId)
            return summaries.map { summary in
                let open = (tasksOf[summary.id] ?? []).map {
                    CustomerCard.OpenTask(id: $0.id, kind: $0.kind, dueAt: $0.dueAt, ownerId: $0.ownerId, note: $0.note)
                }
                return CustomerCard(
                    id: summary.id, name: summary.name, kind: summary.kind, grade: summary.grade,
                    ownerID: summary.ownerID, ownerName: summary.ownerName, phones: summary.phones,
                    vehicles: (vehiclesOf[summary.id] ?? []).map { .init(id: $0.id, vin: $0.vin, model: $0.model, plate: $0.plate) },
                    policies: (policiesOf[summary.id] ?? []).map {
                        .init(id: $0.id, vehicleId: $0.vehicleId, insurer: $0.insurer, expiryDate: $0.expiryDate)
                    },
                    lastInteractions: interactions[summary.id] ?? [],
                    openTasks: open.filter { $0.kind != TaskKind.complaint },
                    openComplaints: open.filter { $0.kind == TaskKind.complaint })
            }
        }
    }
}
