import Foundation

/// The rules of the customer pools (公海): how many customers an agent may claim a day, how long a
/// previous owner waits before claiming one back, and after how many days without progress a
/// claimed customer returns to the pool.
public struct PoolRules: Sendable, Hashable {
    public var claimsPerDay: Int
    public var reclaimAfterDays: Int
    public var recycleAfterDays: Int
    /// Where "a day" starts for the claim limit.
    public var timeZone: TimeZone

    public init(claimsPerDay: Int = 20, reclaimAfterDays: Int = 30, recycleAfterDays: Int = 30,
                timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current) {
        (self.claimsPerDay, self.reclaimAfterDays, self.recycleAfterDays, self.timeZone) = (claimsPerDay, reclaimAfterDays, recycleAfterDays, timeZone)
    }

    /// Midnight of `now`'s day in the centre's time zone.
    public func startOfDay(_ now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.startOfDay(for: now)
    }
}
