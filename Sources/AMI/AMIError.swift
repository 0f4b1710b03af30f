/// Why an AMI action or connection failed, in words an operator can act on.
public enum AMIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The action was asked for while the PBX connection is down; nothing was sent.
    case notConnected(pbx: String)
    /// The connection dropped after an idempotent action was sent; it may be asked again.
    case disconnected(pbx: String, action: String)
    /// The connection dropped after a non-idempotent action (Originate, Redirect, Hangup…) was
    /// sent: it may or may not have happened. Reconcile (e.g. by the channel variable it set)
    /// before trying again; never resend blindly.
    case outcomeUnknown(pbx: String, action: String, actionID: String)
    /// No response in time.
    case timeout(pbx: String, action: String, seconds: Double)
    /// Asterisk answered `Response: Error`.
    case actionFailed(pbx: String, action: String, message: String)
    /// Username or secret refused by Asterisk.
    case authenticationFailed(pbx: String, username: String, message: String)
    /// The other end is not an Asterisk manager interface.
    case unexpectedBanner(pbx: String, banner: String)
    /// The action cannot be encoded (a line break in a value).
    case invalidAction(action: String, reason: String)
    /// TCP connect failed.
    case connectFailed(pbx: String, host: String, port: Int, reason: String)
    /// The client is shutting down or was never started.
    case shutDown(pbx: String)

    public var description: String {
        switch self {
        case .notConnected(let pbx): "PBX \(pbx): not connected to AMI; the action was not sent"
        case .disconnected(let pbx, let action): "PBX \(pbx): AMI connection lost while \(action) was pending; it is safe to ask again"
        case .outcomeUnknown(let pbx, let action, let id):
            "PBX \(pbx): AMI connection lost after \(action) (ActionID \(id)) was sent; it may have taken effect: reconcile before retrying"
        case .timeout(let pbx, let action, let seconds): "PBX \(pbx): no answer to \(action) within \(seconds) s"
        case .actionFailed(let pbx, let action, let message): "PBX \(pbx): \(action) failed: \(message)"
        case .authenticationFailed(let pbx, let username, let message):
            "PBX \(pbx): AMI login as '\(username)' refused (\(message)); check ami.username / ami.secret and manager.conf"
        case .unexpectedBanner(let pbx, let banner): "PBX \(pbx): peer is not an Asterisk manager (greeting '\(banner)')"
        case .invalidAction(let action, let reason): "AMI action \(action) cannot be sent: \(reason)"
        case .connectFailed(let pbx, let host, let port, let reason):
            "PBX \(pbx): cannot connect to AMI at \(host):\(port) (\(reason)); is Asterisk running and manager.conf enabled/bound there?"
        case .shutDown(let pbx): "PBX \(pbx): AMI client is shut down"
        }
    }
}
