import CRM
import Foundation
import Vocabulary

/// A day's, week's or month's work of the agents a user may see: each agent, each team, the whole,
/// and the inbound queues' answered, abandoned and service level. From CallDesk's own records.
public struct CenterReport: Sendable, Hashable, Codable {
    public let period: ReportPeriod
    public let from: Date
    public let to: Date
    public let agents: [AgentReport]
    public let teams: [AgentReport]
    public let total: AgentReport
    /// The queues' calls over the period, all queues together, by the default service-level rules.
    public let inbound: QueueFigures

    /// The period of `period` that holds `day` (`YYYY-MM-DD`) in `timeZone`; weeks start on Monday.
    public static func range(_ period: ReportPeriod, containing day: String, timeZone: TimeZone) -> (from: Date, to: Date)? {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
              calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: parts[0], month: parts[1], day: parts[2])
        else { return nil }
        let component: Calendar.Component = switch period { case .day: .day; case .week: .weekOfYear; case .month: .month }
        guard let interval = calendar.dateInterval(of: component, for: date) else { return nil }
        return (interval.start, interval.end)
    }

    /// Builds the report of `period` holding `day` for `viewer`.
    public static func build(store: CRMStore, period: ReportPeriod, day: String, viewer: User, monitor: MonitorConfiguration,
                             now: Date = Date()) async throws -> CenterReport? {
        guard let (from, to) = range(period, containing: day, timeZone: monitor.timeZone) else { return nil }
        let agents = try await store.agentReports(from: from, to: to, now: now, visibleTo: viewer)
        let teams = Dictionary(grouping: agents, by: { $0.team ?? "" }).sorted { $0.key < $1.key }
            .map { AgentReport.total(of: $0.value, name: $0.key) }
        // Queue calls: an admin's are every queue's, a supervisor's their team's queues, an agent sees none.
        let rows: [QueueDayRow]
        switch viewer.access.reach {
        case .everything: rows = try await store.queueDay(since: from, until: to)
        case .team(let team):
            let name = try await store.teams(visibleTo: viewer).first { $0.id == team }?.name
            let queues = Set(name.map(monitor.queueTeams.queues(of:)) ?? [])
            rows = try await store.queueDay(since: from, until: to).filter { queues.contains($0.queue) }
        case .own: rows = []
        }
        return CenterReport(period: period, from: from, to: to, agents: agents, teams: teams, total: AgentReport.total(of: agents, name: "total"),
                            inbound: QueueFigures(rows: rows, rules: monitor.serviceLevel))
    }
}
