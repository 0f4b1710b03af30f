import Configuration
import Workflows

extension CallDeskConfig {
    /// The `escalation.*` keys: each threshold in days, hours or minutes, with the defaults.
    static func escalationSettings(_ config: ConfigReader) throws -> EscalationPolicy {
        var policy = EscalationPolicy()
        func read(_ key: String, unit: Int, default value: Int, range: ClosedRange<Int>) throws -> Duration {
            let text = config.string(forKey: ConfigKey(key)) ?? String(value)
            guard let number = Int(text), range.contains(number) else {
                throw ConfigError(key: key, value: text, allowed: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return .seconds(number * unit)
        }
        policy.staleA = try read("escalation.stale_a_days", unit: 86_400, default: 90, range: 1...3650)
        policy.expiredA = try read("escalation.expired_a_days", unit: 86_400, default: 180, range: 1...3650)
        policy.staleB = try read("escalation.stale_b_days", unit: 86_400, default: 90, range: 1...3650)
        policy.overdueFlag = try read("escalation.overdue_flag_hours", unit: 3600, default: 24, range: 1...8760)
        policy.overdueReassign = try read("escalation.overdue_reassign_hours", unit: 3600, default: 72, range: 1...8760)
        policy.lateCallback = try read("escalation.late_callback_minutes", unit: 60, default: 60, range: 1...10_080)
        guard policy.expiredA > policy.staleA else {
            throw ConfigError(key: "escalation.expired_a_days", value: "\(policy.expiredA.components.seconds / 86_400)",
                              allowed: "more days than escalation.stale_a_days")
        }
        guard policy.overdueReassign > policy.overdueFlag else {
            throw ConfigError(key: "escalation.overdue_reassign_hours", value: "\(policy.overdueReassign.components.seconds / 3600)",
                              allowed: "more hours than escalation.overdue_flag_hours")
        }
        return policy
    }

    /// The `renewal.*` keys: the team that makes renewal calls, the stages before expiry, the win-back window.
    static func renewalSettings(_ config: ConfigReader, calendar: WorkCalendar) throws -> (planner: RenewalPlanner, team: String) {
        var planner = RenewalPlanner(calendar: calendar)
        let stages = config.stringArray(forKey: "renewal.stages_days", default: planner.stages.map(String.init))
        let days = stages.compactMap(Int.init).filter { (1...365).contains($0) }
        guard days.count == stages.count, !days.isEmpty, Set(days).count == days.count else {
            throw ConfigError(key: "renewal.stages_days", value: stages.joined(separator: ","), allowed: "distinct days from 1 to 365, e.g. [90, 60, 30, 7]")
        }
        planner.stages = days.sorted(by: >)
        let winBack = config.string(forKey: "renewal.win_back_days") ?? "30"
        guard let winBackDays = Int(winBack), (0...365).contains(winBackDays) else {
            throw ConfigError(key: "renewal.win_back_days", value: winBack, allowed: "days from 0 to 365")
        }
        planner.winBackDays = winBackDays
        return (planner, config.string(forKey: "renewal.team", default: "renewal"))
    }
}
