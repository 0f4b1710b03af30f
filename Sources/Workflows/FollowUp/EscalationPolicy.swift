import CRM
import Foundation
import Vocabulary

/// The escalation thresholds (every one configurable) and who takes over what is moved: a pure
/// value, tested on plain values. A stale lead goes to the next more senior rep of its team (the
/// least loaded at that seniority), or to the team's manager when nobody is more senior; an overdue
/// task to the least loaded other rep of the team, or the manager.
public struct EscalationPolicy: Sendable, Hashable {
    /// A lead A this long without conversion is reassigned.
    public var staleA: Duration = .seconds(90 * 86_400)
    /// A lead A this long (from becoming A) without conversion becomes C.
    public var expiredA: Duration = .seconds(180 * 86_400)
    /// A lead B this long without becoming A is reassigned.
    public var staleB: Duration = .seconds(90 * 86_400)
    /// A task overdue this long is flagged to the supervisor.
    public var overdueFlag: Duration = .seconds(24 * 3600)
    /// A task overdue this long is reassigned.
    public var overdueReassign: Duration = .seconds(72 * 3600)
    /// A callback not made this long after the missed call goes to the supervisor.
    public var lateCallback: Duration = .seconds(60 * 60)

    public init() {}

    /// The thresholds as points in time, as of `now` (today starting at midnight in `timeZone`).
    public func cutoffs(now: Date, timeZone: TimeZone) -> CRMStore.EscalationCutoffs {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        func ago(_ duration: Duration) -> Date { now.addingTimeInterval(-TimeInterval(duration.components.seconds)) }
        return .init(staleA: ago(staleA), expiredA: ago(expiredA), staleB: ago(staleB), overdueFlag: ago(overdueFlag),
                     overdueReassign: ago(overdueReassign), lateCallback: ago(lateCallback), startOfToday: calendar.startOfDay(for: now), now: now)
    }

    /// Who takes over `candidate`, if its rule moves it; `nil` when nobody can (the move waits).
    public func successor(for candidate: EscalationCandidate, among members: [TeamMember]) -> Int? {
        guard let team = candidate.teamID, let ownerID = candidate.ownerID else { return nil }
        let teammates = members.filter { $0.teamId == team && $0.id != ownerID }
        let agents = teammates.filter { $0.role == .agent }
        let manager = teammates.filter { $0.role == .supervisor }.min { $0.id < $1.id }?.id
        switch candidate.rule {
        case .staleA, .staleB:
            let seniority = members.first { $0.id == ownerID }?.seniority ?? 0
            let senior = agents.filter { $0.seniority > seniority }
            guard let level = senior.map(\.seniority).min() else { return manager }
            return senior.filter { $0.seniority == level }.min { ($0.load, $0.id) < ($1.load, $1.id) }?.id
        case .overdueTaskReassigned:
            return agents.min { ($0.load, $0.id) < ($1.load, $1.id) }?.id ?? manager
        default:
            return nil
        }
    }
}
