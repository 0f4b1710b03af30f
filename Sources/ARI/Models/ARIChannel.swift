/// A channel as ARI describes it (`GET /channels/{id}`, events' `channel`).
public struct ARIChannel: Sendable, Hashable, Codable {
    public let id: String
    public let name: String
    /// `Down`, `Ring`, `Ringing`, `Up`, …
    public let state: String
    public let caller: ARICallerID
    public let connected: ARICallerID
    public let accountcode: String?
    public let dialplan: ARIDialplanCEP?
    public let creationtime: String?
    public let language: String?
}

/// A caller ID (name and number) as ARI reports it.
public struct ARICallerID: Sendable, Hashable, Codable {
    public let name: String
    public let number: String
}

/// Where a channel is in the dialplan.
public struct ARIDialplanCEP: Sendable, Hashable, Codable {
    public let context: String
    public let exten: String
    public let priority: Int
    public let appName: String?
    public let appData: String?

    enum CodingKeys: String, CodingKey {
        case context, exten, priority
        case appName = "app_name"
        case appData = "app_data"
    }
}
