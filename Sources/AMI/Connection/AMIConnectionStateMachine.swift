import Crypto
import Foundation

/// The protocol logic of one AMI connection as a value: login (plain or MD5), action/response
/// matching by ActionID, list collection, keepalive, reconnect backoff, shutdown.
///
/// Every method takes an input and returns the outputs the I/O shell must perform; there are no
/// sockets or clocks inside, so every state is testable with plain values.
struct AMIConnectionStateMachine {
    enum State: Equatable {
        case idle
        case connecting(attempt: Int)
        case awaitingBanner(attempt: Int)
        case authenticating(attempt: Int)
        case active
        case waitingToReconnect(attempt: Int)
        case closing
        case shutDown
    }

    enum Output: Equatable {
        case connect
        case send(AMIActionEnvelope)
        case succeed(actionID: String, AMIResponse)
        case fail(actionID: String, AMIError)
        case deliver(AMIMessage)
        case connected(generation: Int)
        case disconnected(reason: String)
        case connectionFailed(AMIError)
        case closeConnection
        case scheduleReconnect(after: Duration)
        case startKeepalive
        case protocolError(String)
    }

    private struct Pending {
        let name: String
        let isIdempotent: Bool
        let purpose: Purpose
        var response: AMIMessage?
        var items: [AMIMessage] = []
    }

    private enum Purpose: Equatable { case user, challenge, login, filter, keepalive, logoff }

    let configuration: AMIClientConfiguration
    private(set) var state: State = .idle
    private(set) var generation = 0
    private var pending: [String: Pending] = [:]
    private var counter = 0
    private var authFailed = false
    private var serverShuttingDown = false

    init(configuration: AMIClientConfiguration) {
        self.configuration = configuration
    }

    var pendingCount: Int { pending.count }

    // MARK: Connection lifecycle

    mutating func start() -> [Output] {
        guard state == .idle else { return [] }
        state = .connecting(attempt: 0)
        return [.connect]
    }

    mutating func reconnectTimerFired() -> [Output] {
        guard case .waitingToReconnect(let attempt) = state else { return [] }
        state = .connecting(attempt: attempt)
        return [.connect]
    }

    mutating func channelActive() -> [Output] {
        guard case .connecting(let attempt) = state else { return [.closeConnection] }
        state = .awaitingBanner(attempt: attempt)
        return []
    }

    mutating func bannerReceived(_ banner: String) -> [Output] {
        guard case .awaitingBanner(let attempt) = state else { return [] }
        guard banner.hasPrefix("Asterisk Call Manager/") else {
            authFailed = true
            return [.connectionFailed(.unexpectedBanner(pbx: configuration.pbx, banner: String(banner.prefix(80)))), .closeConnection]
        }
        state = .authenticating(attempt: attempt)
        switch configuration.authType {
        case .plain:
            return [.send(register(AMIAction("Login", headers: [
                ("Username", configuration.username), ("Secret", configuration.secret), ("Events", configuration.eventMask),
            ]), purpose: .login))]
        case .md5:
            return [.send(register(AMIAction("Challenge", ["AuthType": "MD5"]), purpose: .challenge))]
        }
    }

    /// How long a session must have been logged in for its loss to be retried at once: events are
    /// being missed while the link is down, and a steady session that drops is usually a network blip.
    static let steadySession: Duration = .seconds(1)

    /// The TCP connection failed or closed; pending actions fail and a reconnect is scheduled: at once
    /// when a steady session (`upFor`) dropped and Asterisk did not announce a shutdown, else after
    /// the backoff. `jitter` in 0...1 spreads reconnects of many clients.
    mutating func channelClosed(reason: String, jitter: Double, upFor: Duration = .zero) -> [Output] {
        var outputs = failAllPending()
        switch state {
        case .closing, .shutDown:
            state = .shutDown
            return outputs
        case .idle:
            return outputs
        case .waitingToReconnect:
            return outputs
        case .active:
            outputs.append(.disconnected(reason: serverShuttingDown ? "Asterisk shut down (\(reason))" : reason))
            state = .waitingToReconnect(attempt: 0)
            let atOnce = !serverShuttingDown && upFor >= Self.steadySession
            outputs.append(.scheduleReconnect(after: atOnce ? .zero : delay(attempt: 0, jitter: jitter)))
        case .connecting(let attempt), .awaitingBanner(let attempt), .authenticating(let attempt):
            if case .connecting = state {
                outputs.append(.connectionFailed(.connectFailed(pbx: configuration.pbx, host: configuration.host,
                                                                port: configuration.port, reason: reason)))
            }
            state = .waitingToReconnect(attempt: attempt + 1)
            var wait = delay(attempt: attempt + 1, jitter: jitter)
            if authFailed { wait = max(wait, configuration.authFailureDelay) }
            outputs.append(.scheduleReconnect(after: wait))
        }
        authFailed = false
        serverShuttingDown = false
        return outputs
    }

    /// Exponential backoff with jitter: base·2^attempt capped at the maximum, scaled into [½, 1].
    func delay(attempt: Int, jitter: Double) -> Duration {
        configuration.reconnectBackoff.delay(attempt: attempt, jitter: jitter)
    }

    mutating func shutdownRequested() -> [Output] {
        switch state {
        case .active:
            state = .closing
            var outputs = failAllPending()
            outputs.append(.send(register(AMIAction("Logoff"), purpose: .logoff)))
            return outputs
        case .shutDown, .closing:
            return []
        default:
            state = .shutDown
            return failAllPending(with: .shutDown(pbx: configuration.pbx)) + [.closeConnection]
        }
    }

    // MARK: Actions

    /// Registers a caller's action and sends it, or fails it at once when not logged in.
    mutating func actionRequested(_ action: AMIAction) -> (actionID: String, outputs: [Output]) {
        let id = nextActionID()
        guard state == .active else {
            let error: AMIError = state == .shutDown || state == .closing ? .shutDown(pbx: configuration.pbx) : .notConnected(pbx: configuration.pbx)
            return (id, [.fail(actionID: id, error)])
        }
        pending[id] = Pending(name: action.name, isIdempotent: action.isIdempotent, purpose: .user)
        return (id, [.send(AMIActionEnvelope(action: action, actionID: id))])
    }

    mutating func actionTimedOut(_ id: String) -> [Output] {
        guard let entry = pending.removeValue(forKey: id), entry.purpose == .user else { return [] }
        let seconds = Double(configuration.actionTimeout.components.seconds)
        return [.fail(actionID: id, .timeout(pbx: configuration.pbx, action: entry.name, seconds: seconds))]
    }

    /// Called every keepalive interval: pings, or closes a link whose last ping went unanswered.
    mutating func keepaliveTick() -> [Output] {
        guard state == .active else { return [] }
        if pending.values.contains(where: { $0.purpose == .keepalive }) {
            return [.protocolError("keepalive Ping unanswered; closing the connection"), .closeConnection]
        }
        return [.send(register(AMIAction("Ping"), purpose: .keepalive))]
    }

    // MARK: Inbound messages

    mutating func messageReceived(_ message: AMIMessage) -> [Output] {
        var outputs: [Output] = []
        messageReceived(message, into: &outputs)
        return outputs
    }

    /// `messageReceived` appending to `outputs`: the hot path, one call per message without an
    /// allocation. An event that answers no pending action goes straight out.
    mutating func messageReceived(_ message: AMIMessage, into outputs: inout [Output]) {
        if message.isEvent, pending.isEmpty || message.actionID.map({ pending[$0]?.response == nil }) ?? true {
            if message.isEvent(named: "Shutdown") { serverShuttingDown = true }
            if state == .active || state == .closing { outputs.append(.deliver(message)) }
            return
        }
        outputs += classify(message)
    }

    private mutating func classify(_ message: AMIMessage) -> [Output] {
        switch message.kind {
        case .response(let status):
            return responseReceived(message, status: status)
        case .event(let name):
            if let id = message.actionID, var entry = pending[id], entry.response != nil {
                if message["EventList"]?.lowercased() == "complete" {
                    pending[id] = nil
                    return complete(id, entry, completion: message)
                }
                entry.items.append(message)
                pending[id] = entry
                return []
            }
            if name == "Shutdown" { serverShuttingDown = true }
            return state == .active || state == .closing ? [.deliver(message)] : []
        case .other:
            return [.protocolError("AMI message is neither response nor event: \(message)")]
        }
    }

    private mutating func responseReceived(_ message: AMIMessage, status: String) -> [Output] {
        guard let id = message.actionID else {
            return [.protocolError("response without ActionID: \(message["Message"] ?? status)")]
        }
        guard var entry = pending[id] else {
            return [.protocolError("response for unknown or timed-out ActionID \(id)")]
        }
        let success = status.lowercased() == "success" || status.lowercased() == "goodbye" || status.lowercased() == "follows"
        switch entry.purpose {
        case .challenge:
            pending[id] = nil
            guard success, let challenge = message["Challenge"] else { return loginFailed(message) }
            let key = Insecure.MD5.hash(data: Data((challenge + configuration.secret).utf8)).map { String(format: "%02x", $0) }.joined()
            return [.send(register(AMIAction("Login", headers: [
                ("AuthType", "MD5"), ("Username", configuration.username), ("Key", key), ("Events", configuration.eventMask),
            ]), purpose: .login))]
        case .login:
            pending[id] = nil
            guard success else { return loginFailed(message) }
            state = .active
            generation += 1
            var outputs: [Output] = [.connected(generation: generation), .startKeepalive]
            if !configuration.eventFilter.isEmpty {
                let names = (configuration.eventFilter.union(["FullyBooted", "Shutdown"])).sorted().joined(separator: "|")
                outputs.append(.send(register(AMIAction("Filter", headers: [
                    ("Operation", "Add"), ("Filter", "^Event: (\(names))[[:space:]]"),
                ]), purpose: .filter)))
            }
            return outputs
        case .filter:
            pending[id] = nil
            return success ? [] : [.protocolError("event Filter refused (\(message["Message"] ?? status)); receiving all events of the mask")]
        case .keepalive:
            pending[id] = nil
            return []
        case .logoff:
            pending[id] = nil
            return [.closeConnection]
        case .user:
            guard success else {
                pending[id] = nil
                return [.fail(actionID: id, .actionFailed(pbx: configuration.pbx, action: entry.name, message: message["Message"] ?? status))]
            }
            if message["EventList"]?.lowercased() == "start" {
                entry.response = message
                pending[id] = entry
                return []
            }
            pending[id] = nil
            return [.succeed(actionID: id, AMIResponse(pbx: configuration.pbx, actionID: id, message: message, items: [], completion: nil))]
        }
    }

    private mutating func loginFailed(_ message: AMIMessage) -> [Output] {
        authFailed = true
        let error = AMIError.authenticationFailed(pbx: configuration.pbx, username: configuration.username,
                                                  message: message["Message"] ?? "refused")
        return [.connectionFailed(error), .closeConnection]
    }

    private func complete(_ id: String, _ entry: Pending, completion: AMIMessage) -> [Output] {
        guard entry.purpose == .user, let response = entry.response else { return [] }
        return [.succeed(actionID: id, AMIResponse(pbx: configuration.pbx, actionID: id, message: response,
                                                   items: entry.items, completion: completion))]
    }

    private mutating func failAllPending(with error: AMIError? = nil) -> [Output] {
        let failed = pending.filter { $0.value.purpose == .user }.sorted { $0.key < $1.key }
        pending.removeAll()
        return failed.map { id, entry in
            if let error { return .fail(actionID: id, error) }
            return .fail(actionID: id, entry.isIdempotent
                ? .disconnected(pbx: configuration.pbx, action: entry.name)
                : .outcomeUnknown(pbx: configuration.pbx, action: entry.name, actionID: id))
        }
    }

    private mutating func register(_ action: AMIAction, purpose: Purpose) -> AMIActionEnvelope {
        let id = nextActionID()
        pending[id] = Pending(name: action.name, isIdempotent: action.isIdempotent, purpose: purpose)
        return AMIActionEnvelope(action: action, actionID: id)
    }

    private mutating func nextActionID() -> String {
        counter += 1
        return "calldesk-\(counter)"
    }
}

/// An action with the ActionID it is sent under.
struct AMIActionEnvelope: Equatable {
    let action: AMIAction
    let actionID: String

    static func == (lhs: AMIActionEnvelope, rhs: AMIActionEnvelope) -> Bool {
        lhs.actionID == rhs.actionID && lhs.action.name == rhs.action.name
            && lhs.action.headers.elementsEqual(rhs.action.headers) { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}
