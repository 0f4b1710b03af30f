/// What the AMI decoder produces from the server's byte stream.
public enum AMIFrame: Sendable, Hashable {
    /// The greeting line, e.g. `Asterisk Call Manager/13.0.0`.
    case banner(String)
    case message(AMIMessage)
    /// Bytes that were not a valid message; they were skipped up to the next empty line.
    case protocolError(AMIProtocolError)
}

/// A malformed piece of the AMI stream; the decoder reports it and carries on.
public enum AMIProtocolError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A line inside a message that is not `Key: Value`; the message was dropped.
    case notAHeader(line: String)
    /// A message longer than the limit; it was discarded up to its end.
    case messageTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .notAHeader(let line): "AMI line is not a 'Key: Value' header: '\(line)'; message skipped"
        case .messageTooLarge(let limit): "AMI message exceeds \(limit) bytes; discarded up to the next blank line"
        }
    }
}
