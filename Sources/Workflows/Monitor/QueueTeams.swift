/// Which team each queue belongs to: the queues configured for a team (`queues.teams`, e.g.
/// `vip:hotline`), and any other queue to the team named like it. A team's supervisor watches and
/// manages its queues, its agents' phones join them when their console opens (for teams that follow
/// the console), and its unknown missed callers' callbacks come from them.
public struct QueueTeams: Sendable, Hashable {
    /// Queue → team, for queues not named like their team.
    public var assigned: [String: String]

    public init(_ assigned: [String: String] = [:]) {
        self.assigned = assigned
    }

    /// The team a queue belongs to.
    public func team(of queue: String) -> String {
        assigned[queue] ?? queue
    }

    /// A team's queues, sorted: the one named like it (unless configured for another team) and those configured for it.
    public func queues(of team: String) -> [String] {
        let named = self.team(of: team) == team ? [team] : []
        return Array(Set(named + assigned.filter { $0.value == team }.map(\.key))).sorted()
    }
}
