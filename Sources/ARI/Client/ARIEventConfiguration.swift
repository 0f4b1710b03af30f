import Retrying
import Secrets
/// Where Asterisk's ARI event WebSocket is, which applications to register, and how to retry.
public struct ARIEventConfiguration: Sendable {
    /// Base URL of Asterisk's HTTP server, e.g. `http://127.0.0.1:8088` (`/ari/events` is added).
    public var baseURL: String
    public var username: String
    public var password: String
    /// Stasis applications this connection registers (`app=a,b`).
    public var applications: [String]
    /// Whether to hear every channel, bridge and endpoint, not only the applications' own.
    public var subscribeAll: Bool
    public var reconnectBaseDelay: Duration
    public var reconnectMaxDelay: Duration
    /// The least wait after Asterisk refused the credentials, so a wrong password never becomes a retry storm.
    public var authFailureDelay: Duration
    /// Largest accepted message.
    public var maxMessageSize: Int
    /// A WebSocket ping goes out this often; a missing pong closes the socket and a reconnect follows.
    public var keepaliveInterval: Duration

    public init(baseURL: String, username: String, password: String, applications: [String], subscribeAll: Bool = false,
                reconnectBaseDelay: Duration = .milliseconds(500), reconnectMaxDelay: Duration = .seconds(30),
                authFailureDelay: Duration = .seconds(30), maxMessageSize: Int = 1 << 20, keepaliveInterval: Duration = .seconds(20)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.username = username
        self.password = password
        self.applications = applications
        self.subscribeAll = subscribeAll
        self.reconnectBaseDelay = reconnectBaseDelay
        self.reconnectMaxDelay = reconnectMaxDelay
        self.authFailureDelay = authFailureDelay
        self.maxMessageSize = maxMessageSize
        self.keepaliveInterval = keepaliveInterval
    }

    /// `ws://host:port/ari/events?app=…&subscribeAll=…` (`wss` for an `https` base URL).
    var eventsURL: String {
        let socketBase = baseURL.hasPrefix("https://") ? "wss://" + baseURL.dropFirst(8)
            : baseURL.hasPrefix("http://") ? "ws://" + baseURL.dropFirst(7) : Substring(baseURL)
        let apps = applications.map(ARIClient.escape).joined(separator: ",")
        return "\(socketBase)/ari/events?app=\(apps)&subscribeAll=\(subscribeAll)"
    }

    /// Exponential backoff with jitter: base·2^attempt capped at the maximum, scaled into [½, 1].
    func delay(attempt: Int, jitter: Double) -> Duration {
        Backoff(base: reconnectBaseDelay, maximum: reconnectMaxDelay).delay(attempt: attempt, jitter: jitter)
    }
}

extension ARIEventConfiguration: CustomStringConvertible {
    /// The settings with the password left out (and out of the URL too).
    public var description: String {
        "ARI \(username)@\(Redaction.url(baseURL)) apps \(applications.joined(separator: ",")) (password \(Redaction.mask))"
    }
}
