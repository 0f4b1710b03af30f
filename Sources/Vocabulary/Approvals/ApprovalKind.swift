/// What a request to a manager asks for.
public enum ApprovalKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Close a lead as lost (战败).
    case leadLost = "lead_lost"
    /// Cancel a call task.
    case taskCancel = "task_cancel"
}
