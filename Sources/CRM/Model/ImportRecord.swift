import Foundation

/// A customer import started over the API: its progress while it runs, its outcome after.
public struct ImportRecord: Sendable, Hashable, Decodable {
    /// Where an import stands.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case queued, checking, writing, done, failed
    }

    public let id: Int
    public let requestedBy: Int
    public let fileName: String
    public let status: Status
    public let encoding: String?
    public let rowsRead: Int
    public let created: Int
    public let updated: Int
    public let unchanged: Int
    public let rejected: Int
    public let percent: Int
    /// Why a failed import stopped; nothing was written.
    public let error: String?
    public let createdAt: Date
    public let finishedAt: Date?
}
