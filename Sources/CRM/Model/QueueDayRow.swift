import Vocabulary

/// Today's queue calls, counted by queue, result and whole seconds waited: what service level,
/// speed of answer and handle time are computed from, small however many calls there were.
public struct QueueDayRow: Sendable, Hashable, Decodable {
    public let queue: String
    public let result: CallResult
    /// Seconds the callers waited in the queue.
    public let holdTime: Int
    public let calls: Int
    /// Seconds of talk of these calls, summed.
    public let talkTime: Int
}
