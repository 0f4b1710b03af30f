import NIOCore
import Secrets

/// A request to Asterisk (`Action: Originate`, …) with its headers; the client adds the ActionID.
public struct AMIAction: Sendable, CustomStringConvertible {
    public var name: String
    public var headers: [(String, String)]
    /// Whether sending it twice is harmless. Only such actions may be retried by their owner
    /// without reconciling first; the client itself never resends anything.
    public var isIdempotent: Bool

    public init(_ name: String, _ headers: KeyValuePairs<String, String> = [:]) {
        self.init(name, headers: headers.map { ($0.key, $0.value) })
    }

    public init(_ name: String, headers: [(String, String)], isIdempotent: Bool? = nil) {
        self.name = name
        self.headers = headers
        self.isIdempotent = isIdempotent ?? Self.idempotentActions.contains(name.lowercased())
    }

    /// Read-only or state-setting actions; everything else (Originate, Redirect, Hangup, MixMonitor,
    /// Command, unknown actions) counts as non-idempotent.
    static let idempotentActions: Set<String> = [
        "ping", "challenge", "login", "logoff", "events", "filter", "coresettings", "corestatus", "coreshowchannels",
        "queuestatus", "queuesummary", "queues", "status", "getvar", "setvar", "listcommands", "queuepause",
        "devicestatelist", "extensionstatelist", "pjsipshowendpoints", "sippeers", "showdialplan", "waitevent",
    ]

    /// Refuses line breaks inside names or values (a value could otherwise inject headers) and
    /// colons inside names. Bytes, not Characters: "\r\n" is one Character and would slip past.
    public func validate() throws(AMIError) {
        for (key, value) in [("Action", name)] + headers {
            guard !key.isEmpty, !key.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 58 }),
                  !value.utf8.contains(where: { $0 == 13 || $0 == 10 })
            else { throw .invalidAction(action: name, reason: "header '\(key)' has a line break or colon in its name or value") }
        }
    }

    /// Writes `Action`, `ActionID`, the headers and the blank line, after `validate()`.
    public func write(actionID: String, into buffer: inout ByteBuffer) throws(AMIError) {
        try validate()
        guard !actionID.utf8.contains(where: { $0 == 13 || $0 == 10 }) else {
            throw .invalidAction(action: name, reason: "ActionID has a line break")
        }
        buffer.writeString("Action: ")
        buffer.writeString(name)
        buffer.writeString("\r\nActionID: ")
        buffer.writeString(actionID)
        buffer.writeString("\r\n")
        for (key, value) in headers {
            buffer.writeString(key)
            buffer.writeString(": ")
            buffer.writeString(value)
            buffer.writeString("\r\n")
        }
        buffer.writeString("\r\n")
    }

    /// The action with secrets masked, for logs.
    public var description: String {
        "\(name) " + headers.map { key, value in
            Redaction.isSecretField(key) ? "\(key)=\(Redaction.mask)" : "\(key)=\(value)"
        }.joined(separator: " ")
    }
}
