import Configuration
import Workflows

extension CallDeskConfig {
    /// The `escalation.*` keys: each threshold in days, hours or minutes, with the defaults.
    static func escalationSettings(_ config: ConfigReader) throws -> EscalationPolicy {
        var policy = EscalationPolicy()
        func read(_ key: String, unit: Int, default value: Int, range: ClosedRange<Int>) throws -> Duration {
            .seconds(try whole(config, key, default: value, range: range) * unit)
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

    /// `followup.opens_hour` and `followup.closes_hour`: the working hours calls fall in (9 to 18).
    static func workingHours(_ config: ConfigReader, into calendar: inout WorkCalendar) throws {
        calendar.opens = try whole(config, "followup.opens_hour", default: calendar.opens, range: 0...23)
        calendar.closes = try whole(config, "followup.closes_hour", default: calendar.closes, range: 1...24)
        guard calendar.closes > calendar.opens else {
            throw ConfigError(key: "followup.closes_hour", value: "\(calendar.closes)", allowed: "an hour after followup.opens_hour")
        }
    }

    /// The `followup.*` cadence keys: days between calls for A and B leads (C gets none), calls a rep
    /// takes a day, and how many working days a call may move to stay within that.
    static func followUpSettings(_ config: ConfigReader, calendar: WorkCalendar) throws -> FollowUpPlanner {
        var planner = FollowUpPlanner(calendar: calendar)
        planner.cadence = [.a: .seconds(try whole(config, "followup.a_every_days", default: 7, range: 1...365) * 86_400),
                           .b: .seconds(try whole(config, "followup.b_every_days", default: 30, range: 1...365) * 86_400)]
        planner.dailyCapacity = try whole(config, "followup.daily_capacity", default: planner.dailyCapacity, range: 1...1000)
        planner.spreadDays = try whole(config, "followup.spread_days", default: planner.spreadDays, range: 1...60)
        return planner
    }

    /// A whole number under `key` within `range`, or the default; anything else names the key.
    static func whole(_ config: ConfigReader, _ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        let text = config.string(forKey: ConfigKey(key)) ?? String(value)
        guard let number = Int(text), range.contains(number) else {
            throw ConfigError(key: key, value: text, allowed: "a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
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
