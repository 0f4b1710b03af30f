/// What `/health` answers: overall status and each PBX link.
public struct HealthReport: Sendable, Codable, Hashable {
    /// `ok` when every PBX is connected, `degraded` otherwise (the daemon still serves the API).
    public var status: String
    /// PBX name → `connected` or `disconnected`.
    public var pbx: [String: String]
    public var database: String

    public init(pbx: [String: String], database: String) {
        self.pbx = pbx
        self.database = database
        status = pbx.values.allSatisfy { $0 == "connected" } && database == "ok" ? "ok" : "degraded"
    }
}
