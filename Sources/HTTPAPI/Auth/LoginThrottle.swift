import Foundation
import Synchronization

/// Slows repeated failed logins, per user name and per client address: after `freeFailures` misses
/// within `window`, each further try must wait, twice as long after every miss (up to `maxDelay`).
/// A success clears the name's record. Kept in memory: a restart forgives, a guesser still gets
/// only a handful of tries a minute.
final class LoginThrottle: Sendable {
    struct Policy: Sendable {
        var freeFailures = 5
        var window: TimeInterval = 15 * 60
        var baseDelay: TimeInterval = 2
        var maxDelay: TimeInterval = 5 * 60
    }

    private struct Record {
        var failures: [Date] = []
        var blockedUntil: Date = .distantPast
    }

    private let policy: Policy
    private let records = Mutex<[String: Record]>([:])

    init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// Seconds to wait before `name` may try again from `address`; `nil` when a try is allowed now.
    func wait(name: String, address: String, now: Date = Date()) -> Int? {
        records.withLock { records in
            let until = [Self.key(name: name), Self.key(address: address)].compactMap { records[$0]?.blockedUntil }.max() ?? .distantPast
            return until > now ? Int(until.timeIntervalSince(now).rounded(.up)) : nil
        }
    }

    func failed(name: String, address: String, now: Date = Date()) {
        records.withLock { records in
            for key in [Self.key(name: name), Self.key(address: address)] {
                var record = records[key] ?? Record()
                record.failures = record.failures.filter { now.timeIntervalSince($0) < policy.window } + [now]
                let excess = record.failures.count - policy.freeFailures
                if excess > 0 {
                    record.blockedUntil = now.addingTimeInterval(min(policy.maxDelay, policy.baseDelay * pow(2, Double(excess - 1))))
                }
                records[key] = record
            }
            if records.count > 100_000 { records = records.filter { $0.value.blockedUntil > now } }
        }
    }

    func succeeded(name: String) {
        records.withLock { _ = $0.removeValue(forKey: Self.key(name: name)) }
    }

    private static func key(name: String) -> String { "name:" + name }
    private static func key(address: String) -> String { "address:" + address }
}
