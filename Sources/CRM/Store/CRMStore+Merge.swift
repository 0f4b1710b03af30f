import Foundation
import SQLKit

extension CRMStore {
    /// Groups of live customers that share a normalised number, most crowded first.
    public func duplicates(limit: Int = 1_000) async throws -> [DuplicateGroup] {
        struct Row: Decodable { let e164: String; let customerId: Int }
        let rows = try await database.withConnection { sql in
            try await sql.select()
                .column(SQLColumn("e164", table: "p")).column(SQLColumn("customer_id", table: "p"))
                .from(SQLAlias(SQLIdentifier("phones"), as: SQLIdentifier("p")))
                .join(SQLAlias(SQLIdentifier("customers"), as: SQLIdentifier("c")), on: SQLColumn("id", table: "c"), .equal, SQLColumn("customer_id", table: "p"))
                .where(SQLColumn("merged_into", table: "c"), .is, SQLLiteral.null)
                .where(SQLColumn("e164", table: "p"), .in, SQLGroupExpression(
                    sql.select().column(SQLColumn("e164", table: "p2"))
                        .from(SQLAlias(SQLIdentifier("phones"), as: SQLIdentifier("p2")))
                        .join(SQLAlias(SQLIdentifier("customers"), as: SQLIdentifier("c2")), on: SQLColumn("id", table: "c2"), .equal, SQLColumn("customer_id", table: "p2"))
                        .where(SQLColumn("merged_into", table: "c2"), .is, SQLLiteral.null)
                        .groupBy(SQLColumn("e164", table: "p2"))
                        .having(SQLFunction("COUNT", args: SQLLiteral.all), .greaterThan, SQLLiteral.numeric("1"))
                        .limit(limit).query))
                .orderBy(SQLColumn("e164", table: "p")).orderBy(SQLColumn("customer_id", table: "p"))
                .all(decoding: Row.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
        let summaries = try await summaries(ids: Array(Set(rows.map(\.customerId))).sorted())
        let byID = Dictionary(uniqueKeysWithValues: summaries.map { ($0.id, $0) })
        let groups = Dictionary(grouping: rows, by: \.e164).map { e164, rows in
            DuplicateGroup(e164: e164, customers: rows.compactMap { byID[$0.customerId] })
        }
        return groups.sorted { ($0.customers.count, $1.e164) > ($1.customers.count, $0.e164) }
    }

    /// Merges `dropID` into `keepID` in one transaction: phones, leads, tasks, calls, interactions,
    /// vehicles, policies and contacts move to the survivor; the dropped row stays as a tombstone
    /// pointing at it, and the audit log records the merge.
    public func merge(keep keepID: Int, drop dropID: Int, actor: Int?) async throws -> MergeReport {
        guard keepID != dropID else {
            throw CRMError.invalidInput(field: "DROP_ID", value: "\(dropID)", reason: "cannot merge a customer into itself")
        }
        let report = try await database.withTransaction { sql in
            struct Live: Decodable { let id: Int; let name: String; let mergedInto: Int? }
            let rows = try await sql.select().columns("id", "name", "merged_into").from("customers")
                .where("id", .in, [keepID, dropID])
                .all(decoding: Live.self, keyDecodingStrategy: .convertFromSnakeCase)
            for id in [keepID, dropID] {
                guard let row = rows.first(where: { $0.id == id }) else { throw CRMError.notFound(entity: "customer", id: "\(id)") }
                if let target = row.mergedInto {
                    throw CRMError.conflict("customer \(id) was already merged into \(target)")
                }
            }
            var report = MergeReport(keptID: keepID, droppedID: dropID)
            let keepNumbers = Set(try await sql.select().column("e164").from("phones")
                .where("customer_id", .equal, keepID).all(decodingColumn: "e164", as: String.self))
            let dropNumbers = try await sql.select().column("e164").from("phones")
                .where("customer_id", .equal, dropID).all(decodingColumn: "e164", as: String.self)
            let shared = dropNumbers.filter(keepNumbers.contains)
            report.phonesAlreadyPresent = shared.count
            if !shared.isEmpty {
                try await sql.delete(from: "phones").where("customer_id", .equal, dropID).where("e164", .in, shared).run()
            }
            report.phonesMoved = try await move(sql, table: "phones", from: dropID, to: keepID)
            report.leadsMoved = try await move(sql, table: "leads", from: dropID, to: keepID)
            report.tasksMoved = try await move(sql, table: "tasks", from: dropID, to: keepID)
            report.callsMoved = try await move(sql, table: "calls", from: dropID, to: keepID)
            report.interactionsMoved = try await move(sql, table: "interactions", from: dropID, to: keepID)
            report.vehiclesMoved = try await move(sql, table: "vehicles", from: dropID, to: keepID)
            report.policiesMoved = try await move(sql, table: "insurance_policies", from: dropID, to: keepID)
            report.contactsMoved = try await move(sql, table: "contacts", from: dropID, to: keepID)
            try await sql.update("customers").set("merged_into", to: keepID).set("updated_at", to: Date())
                .where("id", .equal, dropID).run()
            try await sql.update("customers").set("updated_at", to: Date()).where("id", .equal, keepID).run()
            let details = String(decoding: try JSONEncoder.sorted.encode(report), as: UTF8.self)
            let droppedName = rows.first { $0.id == dropID }?.name ?? ""
            try await audit(sql, actor: actor, action: "merged", entity: "customer", entityID: keepID,
                            details: ["dropped": "\(dropID)", "dropped_name": droppedName, "moved": details])
            try await audit(sql, actor: actor, action: "merged_away", entity: "customer", entityID: dropID,
                            details: ["into": "\(keepID)"])
            return report
        }
        logger.info("customers merged", metadata: ["customer": "\(keepID)", "dropped": "\(dropID)"])
        return report
    }

    private func move(_ sql: any SQLDatabase, table: String, from dropID: Int, to keepID: Int) async throws -> Int {
        try await sql.update(table).set("customer_id", to: keepID).where("customer_id", .equal, dropID)
            .returning("id").all().count
    }
}
