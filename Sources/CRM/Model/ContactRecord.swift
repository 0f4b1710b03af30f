/// A person around a customer (a spouse, a fleet manager), with a birthday for greetings.
public struct ContactRecord: Sendable, Hashable, Decodable {
    public let id: Int
    public let name: String
    public let role: String?
    /// `YYYY-MM-DD`.
    public let birthday: String?
    public let phoneE164: String?
}
