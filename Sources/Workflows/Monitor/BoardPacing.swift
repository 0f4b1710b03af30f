/// Paces the queue boards. A queue's board lists every caller in line, and a busy line changes with
/// each caller who joins or leaves: at 2,500 callers, remaking and publishing the board at every
/// change kept the monitor busy in bursts, beside the screen-pops. A board goes out at once when its
/// queue's last one went out at least `interval` ago; otherwise at the end of that interval, with
/// every change since folded in. A wallboard sees each queue at most once per interval, never a stale
/// one for longer. A value the monitor's loop owns.
struct BoardPacing: Sendable {
    let interval: Duration
    private var lastSent: [String: ContinuousClock.Instant] = [:]
    private var waiting: Set<String> = []
    private var flushAsked = false

    init(interval: Duration) {
        self.interval = interval
    }

    /// The queues among `queues` whose boards go out now; `askFlush` is `true` when the others need
    /// a `flush` after `interval` (asked once until it comes).
    mutating func changed(_ queues: Set<String>, at now: ContinuousClock.Instant) -> (now: Set<String>, askFlush: Bool) {
        var ready: Set<String> = []
        for queue in queues where !waiting.contains(queue) {
            if let last = lastSent[queue], now - last < interval {
                waiting.insert(queue)
            } else {
                lastSent[queue] = now
                ready.insert(queue)
            }
        }
        guard !waiting.isEmpty, !flushAsked else { return (ready, false) }
        flushAsked = true
        return (ready, true)
    }

    /// Every queue whose board waits: they go out now.
    mutating func flush(at now: ContinuousClock.Instant) -> Set<String> {
        let due = waiting
        waiting = []
        flushAsked = false
        for queue in due { lastSent[queue] = now }
        return due
    }

    /// Queues whose boards wait for the next flush.
    var held: Set<String> { waiting }
}
