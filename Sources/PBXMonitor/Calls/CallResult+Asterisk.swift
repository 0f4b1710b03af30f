import Vocabulary

extension CallResult {
    /// The result of an unanswered call from its Q.850 hangup cause.
    public init(unansweredCause cause: Int) {
        switch cause {
        case 17: self = .busy
        case 18, 19: self = .noAnswer
        case 21: self = .rejected
        case 1, 3, 22, 28: self = .invalidNumber
        case 34, 38, 41, 42, 44: self = .networkFailure
        default: self = .failed
        }
    }

    /// The result of an `Async` Originate from its OriginateResponse `Reason`
    /// (0 failed, 1 hung up, 3 ringing timeout, 4 answered, 5 busy, 8 congestion).
    public init(originateReason reason: Int) {
        switch reason {
        case 4: self = .answered
        case 5: self = .busy
        case 3: self = .noAnswer
        case 8: self = .networkFailure
        default: self = .failed
        }
    }
}
