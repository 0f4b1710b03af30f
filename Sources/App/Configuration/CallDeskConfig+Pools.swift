import CRM
import Configuration
import Foundation

extension CallDeskConfig {
    /// The `pools.*` keys: claims an agent may make a day, days before a previous owner may claim a
    /// customer back, days without progress before a claimed customer returns to the pool.
    static func poolSettings(_ config: ConfigReader, timeZone: TimeZone) throws -> PoolRules {
        PoolRules(claimsPerDay: try whole(config, "pools.claims_per_day", default: 20, range: 0...10_000),
                  reclaimAfterDays: try whole(config, "pools.reclaim_after_days", default: 30, range: 0...3650),
                  recycleAfterDays: try whole(config, "pools.recycle_after_days", default: 30, range: 1...3650),
                  timeZone: timeZone)
    }
}
