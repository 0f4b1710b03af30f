/// A team of agents with its supervisor; its queue is named like it.
public struct TeamRecord: Sendable, Hashable, Decodable {
    public let id: Int
    public let name: String
    /// Users in the team who are not disabled.
    public let members: Int
}
