import Foundation

/// One agent's work over a period: calls, tasks, leads and callbacks, from CallDesk's own records.
public struct AgentReport: Sendable, Hashable, Codable {
    public var userId: Int
    public var name: String
    public var team: String?
    /// Outbound calls placed, and how many of them the customer answered.
    public var callsMade = 0
    public var callsMadeAnswered = 0
    /// Inbound calls the agent answered.
    public var inboundAnswered = 0
    /// Seconds talking, over every call taken.
    public var talkSeconds = 0
    /// Tasks due in the period, done in it, still open past their due time, cancelled in it.
    public var tasksDue = 0
    public var tasksDone = 0
    public var tasksOverdue = 0
    public var tasksCancelled = 0
    /// Grade changes the agent made up (C→B, B→A, …) and down, and leads won.
    public var leadsUpgraded = 0
    public var leadsDowngraded = 0
    public var conversions = 0
    /// Callbacks for missed calls due in the period, and those done by their due time.
    public var callbacksDue = 0
    public var callbacksInTime = 0

    public init(userId: Int, name: String, team: String?) {
        self.userId = userId
        self.name = name
        self.team = team
    }

    /// The sum of several agents' figures (a team's, the center's).
    public static func total(of rows: [AgentReport], name: String) -> AgentReport {
        var total = AgentReport(userId: 0, name: name, team: nil)
        for row in rows {
            total.callsMade += row.callsMade; total.callsMadeAnswered += row.callsMadeAnswered; total.inboundAnswered += row.inboundAnswered
            total.talkSeconds += row.talkSeconds; total.tasksDue += row.tasksDue; total.tasksDone += row.tasksDone
            total.tasksOverdue += row.tasksOverdue; total.tasksCancelled += row.tasksCancelled; total.leadsUpgraded += row.leadsUpgraded
            total.leadsDowngraded += row.leadsDowngraded; total.conversions += row.conversions
            total.callbacksDue += row.callbacksDue; total.callbacksInTime += row.callbacksInTime
        }
        return total
    }
}
