import Foundation

/// One queue now: its callers in line and its members.
public struct MonitoredQueue: Sendable, Hashable {
    public let name: String
    /// By position, first in line first.
    public var callers: [WaitingCaller] = []
    public var members: [String: QueueMemberState] = [:]

    public init(name: String) {
        self.name = name
    }

    /// How long the first caller in line has waited.
    public func longestWait(at now: Date) -> TimeInterval {
        callers.map { now.timeIntervalSince($0.since) }.max() ?? 0
    }
}
