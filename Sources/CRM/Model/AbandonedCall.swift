import Foundation
import Vocabulary

/// A call abandoned in a queue today, with its callback task and whether it was called back.
public struct AbandonedCall: Sendable, Hashable, Decodable {
    public let id: Int
    public let queue: String
    public let caller: String?
    public let ringAt: Date?
    public let holdTime: Int?
    public let taskId: Int?
    public let taskStatus: TaskStatus?
}
