import CRM
import Foundation

/// A queue as the wallboard shows it: who waits (with the customer's name when known), the longest
/// wait, today's figures and abandoned calls.
public struct QueueBoard: Sendable, Hashable, Codable {
    /// One caller in line.
    public struct Caller: Sendable, Hashable, Codable {
        public let position: Int
        public let number: String?
        /// The customer's name in the CRM, else the caller ID name.
        public let name: String?
        public let waitingSince: Date
    }

    /// An abandoned call and its callback.
    public struct Abandoned: Sendable, Hashable, Codable {
        public let callId: Int
        public let caller: String?
        public let at: Date?
        public let waited: Int?
        public let taskId: Int?
        public let calledBack: Bool
    }

    public let event: String
    public let pbx: String
    public let queue: String
    public let callers: [Caller]
    public let longestWaitSince: Date?
    public let members: Int
    public let figures: QueueFigures?
    public let abandoned: [Abandoned]
}
