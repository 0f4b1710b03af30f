/// How long to wait before the next try of something that failed: exponential, capped, with jitter
/// so that many clients retrying at once spread out. The AMI and ARI links and the call-log writer use it.
public struct Backoff: Sendable, Hashable {
    /// The wait before the first retry (before jitter).
    public var base: Duration
    /// The longest wait.
    public var maximum: Duration

    public init(base: Duration, maximum: Duration) {
        self.base = base
        self.maximum = maximum
    }

    /// `base·2^attempt` capped at `maximum`, scaled into [½, 1] by `jitter` (0...1; 1 gives the full wait).
    public func delay(attempt: Int, jitter: Double = 1) -> Duration {
        let capped = min(base * (1 << min(max(0, attempt), 16)), maximum)
        return capped * (0.5 + 0.5 * min(1, max(0, jitter)))
    }
}
