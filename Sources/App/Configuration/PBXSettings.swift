import AMI
import Secrets

/// How to reach one Asterisk: its AMI socket and, optionally, its ARI base URL.
public struct PBXSettings: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var amiHost: String
    public var amiPort: Int
    public var amiUsername: String
    /// The AMI secret; never printed (see `description`).
    public var amiSecret: String
    /// `md5` (challenge/response, the default: the secret never crosses the wire) or `plain`.
    public var amiAuth: AMIClientConfiguration.AuthType
    public var ariURL: String?
    public var ariUsername: String?
    public var ariPassword: String?

    public var description: String {
        "\(name): ami \(amiUsername)@\(amiHost):\(amiPort)" + (ariURL.map { ", ari \(Redaction.url($0))" } ?? "")
    }
}

extension PBXSettings {
    /// The AMI client settings for this PBX.
    public func amiClientConfiguration(eventFilter: Set<String> = []) -> AMIClientConfiguration {
        AMIClientConfiguration(pbx: name, host: amiHost, port: amiPort, username: amiUsername, secret: amiSecret,
                               authType: amiAuth, eventFilter: eventFilter)
    }
}
