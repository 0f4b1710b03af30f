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
}
