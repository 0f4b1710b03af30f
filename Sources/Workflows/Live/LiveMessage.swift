/// What live pages receive through the `LiveHub`.
public enum LiveMessage: Sendable, Hashable {
    /// A screen-pop for an agent: a card as their phone rings, then what became of the call.
    case screenPop(ScreenPop)
    /// A queue now, for the wallboard: who waits, today's figures.
    case queueBoard(QueueBoard)
    /// An agent now, for the wallboard and their console: one state across queues.
    case agentBoard(AgentBoard)
    /// Something a user is told: reassigned to them, an approval needed or decided, an escalation.
    case notice(Notice)
    /// This subscriber was too slow and `dropped` messages were lost; what follows at once is the
    /// current state (every message still retained for its topics), so it can start afresh.
    case resync(dropped: Int)
}

/// Whether the hub keeps a message for subscribers that connect later.
public enum LiveRetention: Sendable, Hashable {
    /// Delivered to current subscribers only.
    case none
    /// Kept under `key` (replacing what was kept there) and delivered to every new subscriber of the topic.
    case keep(String)
    /// Delivered, and whatever was kept under `key` is dropped (the state it described is over).
    case release(String)
}
