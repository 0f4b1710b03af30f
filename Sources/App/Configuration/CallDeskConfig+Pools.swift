import CRM
import Configuration
import Foundation

extension CallDeskConfig {
    /// The `pools.*` keys: claims an agent may make a day, days before a previous owner may claim a
    /// customer back, days without progress before a claimed customer returns to the pool.
    static func poolSettings(_ config: ConfigReader, timeZone: TimeZone) throws -> PoolRules {
        func read(_ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
            let text = config.string(forKey: ConfigKey(key)) ?? String(value)
            guard let number = Int(text), range.contains(number) else {
                throw ConfigError(key: key, value: text, allowed: "a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        return PoolRules(claimsPerDay: try read("pools.claims_per_day", default: 20, range: 0...10_000),
                         reclaimAfterDays: try read("pools.reclaim_after_days", default: 30, range: 0...3650),
                         recycleAfterDays: try read("pools.recycle_after_days", default: 30, range: 1...3650),
                         timeZone: timeZone)
    }
}
