import Foundation

/// Which tasks a task query returns: an owner's open ones due before a time (a work list), or one
/// customer's; paged by the last (due time, id) seen.
public struct TaskFilter: Sendable, Hashable {
    /// Whose work list, earliest due first; open tasks only.
    public var ownerID: Int?
    /// One customer's tasks, open and closed, latest due first.
    public var customerID: Int?
    /// Only tasks due before this time.
    public var dueBefore: Date?
    /// The position after which the page starts: the last task of the previous page.
    public var after: (dueAt: Date, id: Int)?
    public var limit: Int

    public init(ownerID: Int? = nil, customerID: Int? = nil, dueBefore: Date? = nil, after: (dueAt: Date, id: Int)? = nil, limit: Int = 50) {
        self.ownerID = ownerID
        self.customerID = customerID
        self.dueBefore = dueBefore
        self.after = after
        self.limit = limit
    }

    public static func == (lhs: TaskFilter, rhs: TaskFilter) -> Bool {
        lhs.ownerID == rhs.ownerID && lhs.customerID == rhs.customerID && lhs.dueBefore == rhs.dueBefore
            && lhs.after?.dueAt == rhs.after?.dueAt && lhs.after?.id == rhs.after?.id && lhs.limit == rhs.limit
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ownerID)
        hasher.combine(customerID)
        hasher.combine(dueBefore)
        hasher.combine(after?.id)
        hasher.combine(limit)
    }
}
