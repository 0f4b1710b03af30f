/// A configuration value that stops start-up: which key, what was given, and what is allowed.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public let key: String
    public let value: String
    public let allowed: String

    public init(key: String, value: String, allowed: String) {
        self.key = key
        self.value = value
        self.allowed = allowed
    }

    public var description: String {
        let environment = "CALLDESK_" + key.uppercased().replacingOccurrences(of: ".", with: "_")
        return "invalid configuration \(key) (\(environment)) = '\(value)': allowed \(allowed)"
    }
}
