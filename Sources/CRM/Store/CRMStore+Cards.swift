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
        // PostgreSQL: independent reads, each a prepared statement on its own connection, overlapping (a
        // screen-pop waits for one round trip instead of five).
        async let summariesRead = database.rows(of: PostgresCardReads.Summaries(ids: ids))
        async let vehiclesRead = database.rows(of: PostgresCardReads.Vehicles(ids: ids))
        async let policiesRead = database.rows(of: PostgresCardReads.Policies(ids: ids))
        async let tasksRead = database.rows(of: PostgresCardReads.OpenTasks(ids: ids))
        async let interactionsRead = database.rows(of: PostgresCardReads.LastInteractions(ids: ids))
        let (summaryRows, vehicles, policies, tasks, interactions) = try await (summariesRead, vehiclesRead, policiesRead, tasksRead,
                                                                                interactionsRead)
        let summaries = Dictionary(PostgresNumberSummaries.summaries(summaryRows ?? []).map { ($0.summary.id, $0.summary) }) { first, _ in first }
        let vehiclesOf = Dictionary(grouping: vehicles ?? [], by: \.customerID)
        let policiesOf = Dictionary(grouping: policies ?? [], by: \.customerID)
        let tasksOf = Dictionary(grouping: tasks ?? [], by: \.customerID)
        let interactionsOf = Dictionary(grouping: interactions ?? [], by: \.customerID)
        return ids.compactMap { id in
            summaries[id].map { summary in
                CustomerCard(summary, vehicles: (vehiclesOf[id] ?? []).map(\.vehicle), policies: (policiesOf[id] ?? []).map(\.policy),
                             lastInteractions: (interactionsOf[id] ?? []).map(\.interaction), open: (tasksOf[id] ?? []).compactMap(\.task))
            }
        }
    }
}
