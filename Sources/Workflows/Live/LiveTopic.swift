/// Who a live message is for: one agent's screens, a queue's or a team's watchers, or everyone.
public enum LiveTopic: Sendable, Hashable, CustomStringConvertible {
    case agent(Int)
    case queue(String)
    case team(Int)
    case everyone

    public var description: String {
        switch self {
        case .agent(let id): "agent/\(id)"
        case .queue(let name): "queue/\(name)"
        case .team(let id): "team/\(id)"
        case .everyone: "everyone"
        }
    }
}
