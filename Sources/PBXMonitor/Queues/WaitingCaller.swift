import Foundation

/// A caller waiting in a queue: who, where in line, and since when.
public struct WaitingCaller: Sendable, Hashable {
    public let uniqueID: String
    public var channel: String?
    public var number: String?
    public var name: String?
    public var position: Int
    public var since: Date
}
