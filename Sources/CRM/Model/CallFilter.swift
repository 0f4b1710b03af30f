import Foundation
import Vocabulary

/// Which calls a call-log query returns; every field narrows it, `nil` means any.
public struct CallFilter: Sendable, Hashable {
    /// Calls that started ringing at or after `from` and before `to`.
    public var from: Date?
    public var to: Date?
    public var agentID: Int?
    public var customerID: Int?
    public var direction: CallDirection?
    public var result: CallResult?
    /// The calls made for one call task (dialled from it, or logged against it): every attempt behind it.
    public var taskID: Int?
    /// Only calls with a smaller id (the next page after the call with this id).
    public var beforeID: Int?
    /// At most this many, newest first.
    public var limit: Int

    public init(from: Date? = nil, to: Date? = nil, agentID: Int? = nil, customerID: Int? = nil,
                direction: CallDirection? = nil, result: CallResult? = nil, taskID: Int? = nil, beforeID: Int? = nil, limit: Int = 100) {
        self.taskID = taskID
        self.from = from
        self.to = to
        self.agentID = agentID
        self.customerID = customerID
        self.direction = direction
        self.result = result
        self.beforeID = beforeID
        self.limit = limit
    }
}
