/// What an `ARIEventClient` subscriber receives: events, and the connection's ups and downs.
public enum ARIStreamElement: Sendable {
    /// The event WebSocket is open (again); `generation` counts connections since start. Events
    /// sent while it was down are lost: state owners re-read channels and bridges now.
    case connected(generation: Int)
    case event(ARIEvent)
    /// A message that was not ARI JSON; it is skipped and the stream goes on.
    case undecodable(ARIEventDecodingError)
    /// The open socket closed; a reconnect follows.
    case disconnected(reason: String)
    /// A connection attempt failed (refused, wrong credentials, no such app); a retry follows.
    case connectionFailed(ARIError)
    /// This subscriber fell behind and `dropped` elements were lost: resync as after `connected`.
    case overflow(dropped: Int)

    /// The event, if this element is one.
    public var event: ARIEvent? {
        if case .event(let event) = self { return event }
        return nil
    }
}
