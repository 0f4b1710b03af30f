import Retrying
import Secrets

/// How to reach and log in to one Asterisk's manager interface, and how to behave on trouble.
public struct AMIClientConfiguration: Sendable {
    /// How the secret is presented at login.
    public enum AuthType: String, Sendable {
        /// `Secret:` in clear (fine on loopback or a trusted LAN).
        case plain
        /// `Challenge` then `Key: md5(challenge + secret)`; the secret never crosses the wire.
        case md5
    }

    /// The PBX's name; it tags every event and action result.
    public var pbx: String
    public var host: String
    public var port: Int
    public var username: String
    public var secret: String
    public var authType: AuthType
    /// Server-side event classes for `Events:` at login (`on`, `off`, or e.g. `system,call,agent,cdr,user`).
    public var eventMask: String
    /// Event names to whitelist with the `Filter` action after login; empty sends no filter.
    /// `FullyBooted` and `Shutdown` are always kept.
    public var eventFilter: Set<String>
    public var actionTimeout: Duration
    public var connectTimeout: Duration
    /// A `Ping` goes out this often; if the previous one is still unanswered the link is dead.
    public var keepaliveInterval: Duration
    public var reconnectBaseDelay: Duration
    public var reconnectMaxDelay: Duration
    /// The least wait after Asterisk refused the login, so a wrong secret never becomes a retry storm.
    public var authFailureDelay: Duration
    /// Largest accepted message; bigger ones are reported and discarded.
    public var maxMessageSize: Int

    public init(pbx: String = "main", host: String = "127.0.0.1", port: Int = 5038, username: String, secret: String,
                authType: AuthType = .md5, eventMask: String = "system,call,agent,cdr,user", eventFilter: Set<String> = [],
                actionTimeout: Duration = .seconds(10), connectTimeout: Duration = .seconds(5),
                keepaliveInterval: Duration = .seconds(20), reconnectBaseDelay: Duration = .milliseconds(500),
                reconnectMaxDelay: Duration = .seconds(30), authFailureDelay: Duration = .seconds(30),
                maxMessageSize: Int = 1 << 20) {
        self.pbx = pbx
        self.host = host
        self.port = port
        self.username = username
        self.secret = secret
        self.authType = authType
        self.eventMask = eventMask
        self.eventFilter = eventFilter
        self.actionTimeout = actionTimeout
        self.connectTimeout = connectTimeout
        self.keepaliveInterval = keepaliveInterval
        self.reconnectBaseDelay = reconnectBaseDelay
        self.reconnectMaxDelay = reconnectMaxDelay
        self.authFailureDelay = authFailureDelay
        self.maxMessageSize = maxMessageSize
    }
}

extension AMIClientConfiguration {
    /// How reconnects back off (`reconnectBaseDelay` doubling up to `reconnectMaxDelay`).
    public var reconnectBackoff: Backoff { Backoff(base: reconnectBaseDelay, maximum: reconnectMaxDelay) }
}

extension AMIClientConfiguration: CustomStringConvertible {
    /// The link's settings with the secret left out.
    public var description: String {
        "AMI \(username)@\(host):\(port) (pbx \(pbx), auth \(authType.rawValue), secret \(Redaction.mask))"
    }
}
