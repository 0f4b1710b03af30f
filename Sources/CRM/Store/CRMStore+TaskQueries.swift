import Foundation
import SQLKit
import Vocabulary

extension CRMStore {
    /// Tasks by `filter`, narrowed to what `viewer` may see: an owner's open work list earliest due
    /// first, or a customer's tasks latest due first (the customer must be within reach).
    public func tasks(_ filter: TaskFilter, visibleTo viewer: User) async throws -> [TaskItem] {
        if let customer = filter.customerID { try await requireCustomer(customer, visibleTo: viewer) }
        return try await database.withConnection { sql in
            let ascending = filter.customerID == nil
            var select = sql.select()
                .columns(["id", "kind", "status", "customer_id", "owner_id", "due_at", "note", "call_id", "priority"].map { SQLColumn($0, table: "t") })
                .column(SQLColumn("name", table: "c"), as: "customer_name")
                .from(SQLAlias(SQLIdentifier("tasks"), as: SQLIdentifier("t")))
                .join(SQLAlias(SQLIdentifier("customers"), as: SQLIdentifier("c")), method: SQLJoinMethod.left,
                      on: SQLColumn("id", table: "c"), .equal, SQLColumn("customer_id", table: "t"))
            if let owner = filter.ownerID {
                select = select.where(SQLColumn("owner_id", table: "t"), .equal, SQLBind(owner))
                    .where(SQLColumn("status", table: "t"), .equal, SQLBind(TaskStatus.open.rawValue))
            }
            if let customer = filter.customerID { select = select.where(SQLColumn("customer_id", table: "t"), .equal, SQLBind(customer)) }
            if let before = filter.dueBefore { select = select.where(SQLColumn("due_at", table: "t"), .lessThan, SQLBind(before)) }
            if filter.ownerID == nil, filter.customerID == nil, let users = viewer.access.reachableUsers() {
                select = select.where(SQLColumn("owner_id", table: "t"), .in, users)
            }
            if let after = filter.after {
                // A time read back is rounded (to the microsecond) and may not equal what is stored:
                // "the same time" is within a millisecond of it.
                let beyond: SQLBinaryOperator = ascending ? .greaterThan : .lessThan
                let (low, high) = (after.dueAt.addingTimeInterval(-0.001), after.dueAt.addingTimeInterval(0.001))
                select = select.where { group in
                    group.where(SQLColumn("due_at", table: "t"), beyond, SQLBind(ascending ? high : low))
                        .orWhere { $0.where(SQLColumn("due_at", table: "t"), .greaterThanOrEqual, SQLBind(low))
                            .where(SQLColumn("due_at", table: "t"), .lessThanOrEqual, SQLBind(high))
                            .where(SQLColumn("id", table: "t"), beyond, SQLBind(after.id)) }
                }
            }
            let direction: SQLDirection = ascending ? .ascending : .descending
            return try await select.orderBy(SQLOrderBy(expression: SQLColumn("due_at", table: "t"), direction: direction))
                .orderBy(SQLOrderBy(expression: SQLColumn("id", table: "t"), direction: direction))
                .limit(max(1, min(filter.limit, 500)))
                .all(decoding: TaskItem.self, keyDecodingStrategy: .convertFromSnakeCase)
        }
    }
}
