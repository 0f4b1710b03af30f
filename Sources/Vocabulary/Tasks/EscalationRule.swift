/// The escalation rules of follow-up, each with its configurable threshold.
public enum EscalationRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// A lead still A and not converted long after it became A goes to a more senior rep or the manager.
    case staleA = "stale_a"
    /// Still A and not converted after the second period: it becomes C.
    case expiredA = "expired_a"
    /// A lead B for long without becoming A goes to a more senior rep or the manager.
    case staleB = "stale_b"
    /// A task overdue past the first threshold: its owner's supervisor is told.
    case overdueTask = "overdue_task"
    /// A task overdue past the second threshold: reassigned within the team.
    case overdueTaskReassigned = "overdue_task_reassigned"
    /// A callback for an abandoned or missed call not made in time: the supervisor is told.
    case lateCallback = "late_callback"
    /// A complaint not closed within its time limit: the supervisor is told.
    case lateComplaint = "late_complaint"
    /// A request to a manager nobody decided by the end of its day: the supervisor is told.
    case undecidedRequest = "undecided_request"
}
