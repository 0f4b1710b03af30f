/// What an ARI event subscriber receives: events, and connection changes that require a resync.
public enum ARIStreamElement: Sendable {
    /// The event WebSocket is (again) open; state owners resync (`GET /channels`).
    case connected(generation: Int)
    case event(ARIEvent)
    /// A message that could not be decoded; it was skipped.
    case undecodable(ARIEventDecodingError)
    case disconnected(reason: String)
}
