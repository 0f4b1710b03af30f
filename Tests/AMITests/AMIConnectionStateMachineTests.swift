@testable import AMI
import Testing

@Suite("AMI connection state machine")
struct AMIConnectionStateMachineTests {
    typealias Machine = AMIConnectionStateMachine

    static func configuration(_ authType: AMIClientConfiguration.AuthType = .plain, filter: Set<String> = []) -> AMIClientConfiguration {
        AMIClientConfiguration(pbx: "hq", username: "crmd", secret: "crmd-secret", authType: authType, eventMask: "off",
                               eventFilter: filter, reconnectBaseDelay: .seconds(1), reconnectMaxDelay: .seconds(30),
                               authFailureDelay: .seconds(60))
    }

    /// A machine that has logged in (plain), with the login's ActionID consumed.
    static func active(filter: Set<String> = []) -> Machine {
        var machine = Machine(configuration: configuration(filter: filter))
        _ = machine.start()
        _ = machine.channelActive()
        let outputs = machine.bannerReceived("Asterisk Call Manager/13.0.0")
        guard case .send(let login) = outputs.first else { fatalError("no login") }
        _ = machine.messageReceived(AMIMessage(["Response": "Success", "ActionID": login.actionID, "Message": "Authentication accepted"]))
        return machine
    }

    @Test("plain login sends Username, Secret and the event mask, then reports generation 1")
    func plainLogin() throws {
        var machine = Machine(configuration: Self.configuration())
        #expect(machine.start() == [.connect])
        #expect(machine.channelActive() == [])
        let outputs = machine.bannerReceived("Asterisk Call Manager/13.0.0")
        guard case .send(let login) = outputs.first else { Issue.record("\(outputs)"); return }
        #expect(login.action.name == "Login")
        #expect(login.action.headers.map(\.0) == ["Username", "Secret", "Events"])
        let done = machine.messageReceived(AMIMessage(["Response": "Success", "ActionID": login.actionID]))
        #expect(done == [.connected(generation: 1), .startKeepalive])
        #expect(machine.state == .active)
    }

    @Test("MD5 login answers the capture's challenge with the capture's key")
    func md5Key() throws {
        var machine = Machine(configuration: Self.configuration(.md5))
        _ = machine.start()
        _ = machine.channelActive()
        guard case .send(let challenge) = machine.bannerReceived("Asterisk Call Manager/13.0.0").first else { return }
        #expect(challenge.action.name == "Challenge")
        let outputs = machine.messageReceived(AMIMessage(["Response": "Success", "ActionID": challenge.actionID, "Challenge": "66555636"]))
        guard case .send(let login) = outputs.first else { Issue.record("\(outputs)"); return }
        #expect(login.action.headers.first { $0.0 == "Key" }?.1 == "d8086ef23cd4bbdae34f84bc907d0ca3")
        #expect(!login.action.headers.contains { $0.0 == "Secret" })
    }

    @Test("a refused login closes, and the retry waits at least the auth-failure delay")
    func authFailureBacksOff() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.start()
        _ = machine.channelActive()
        guard case .send(let login) = machine.bannerReceived("Asterisk Call Manager/13.0.0").first else { return }
        let outputs = machine.messageReceived(AMIMessage(["Response": "Error", "ActionID": login.actionID, "Message": "Authentication failed"]))
        #expect(outputs == [.connectionFailed(.authenticationFailed(pbx: "hq", username: "crmd", message: "Authentication failed")), .closeConnection])
        let closed = machine.channelClosed(reason: "closed", jitter: 0)
        #expect(closed == [.scheduleReconnect(after: .seconds(60))])
    }

    @Test("a peer that is not Asterisk is refused")
    func wrongBanner() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.start()
        _ = machine.channelActive()
        #expect(machine.bannerReceived("SSH-2.0-OpenSSH_9.2").contains(.closeConnection))
    }

    @Test("backoff doubles from the base, is capped, and jitter keeps it within [½, 1] of that")
    func backoff() {
        let machine = Machine(configuration: Self.configuration())
        #expect(machine.delay(attempt: 0, jitter: 1) == .seconds(1))
        #expect(machine.delay(attempt: 3, jitter: 1) == .seconds(8))
        #expect(machine.delay(attempt: 10, jitter: 1) == .seconds(30))
        #expect(machine.delay(attempt: 10, jitter: 0) == .seconds(15))
        #expect(machine.delay(attempt: 100, jitter: 0.5) == .seconds(22.5))
    }

    @Test("a steady session that drops is retried at once; a fresh one, or Asterisk shutting down, waits the backoff")
    func steadySessionRetriesAtOnce() {
        func dropped(upFor: Duration, shutdownAnnounced: Bool = false) -> [Machine.Output] {
            var machine = Machine(configuration: Self.configuration())
            _ = machine.start()
            _ = machine.channelActive()
            guard case .send(let login) = machine.bannerReceived("Asterisk Call Manager/13.0.0").first else { return [] }
            _ = machine.messageReceived(AMIMessage(["Response": "Success", "ActionID": login.actionID, "Message": "Authentication accepted"]))
            if shutdownAnnounced { _ = machine.messageReceived(AMIMessage(["Event": "Shutdown", "Shutdown": "Cleanly", "Restart": "True"])) }
            return machine.channelClosed(reason: "connection reset", jitter: 1, upFor: upFor).filter {
                if case .scheduleReconnect = $0 { true } else { false }
            }
        }
        #expect(dropped(upFor: .seconds(30)) == [.scheduleReconnect(after: .zero)])
        #expect(dropped(upFor: .milliseconds(200)) == [.scheduleReconnect(after: .seconds(1))])
        #expect(dropped(upFor: .seconds(30), shutdownAnnounced: true) == [.scheduleReconnect(after: .seconds(1))])
    }

    @Test("repeated connect failures back off further each time")
    func repeatedFailures() {
        var machine = Machine(configuration: Self.configuration())
        _ = machine.start()
        var delays: [Duration] = []
        for _ in 0..<4 {
            for output in machine.channelClosed(reason: "refused", jitter: 1) {
                if case .scheduleReconnect(let delay) = output { delays.append(delay) }
            }
            _ = machine.reconnectTimerFired()
        }
        #expect(delays == [.seconds(2), .seconds(4), .seconds(8), .seconds(16)])
    }

    @Test("an action while not logged in fails at once and nothing is sent")
    func notConnected() {
        var machine = Machine(configuration: Self.configuration())
        let (id, outputs) = machine.actionRequested(AMIAction("Ping"))
        #expect(outputs == [.fail(actionID: id, .notConnected(pbx: "hq"))])
    }

    @Test("out-of-order responses complete the right callers")
    func outOfOrder() {
        var machine = Self.active()
        let (first, _) = machine.actionRequested(AMIAction("Ping"))
        let (second, _) = machine.actionRequested(AMIAction("CoreSettings"))
        let secondDone = machine.messageReceived(AMIMessage(["Response": "Success", "ActionID": second, "AMIversion": "13.0.0"]))
        let firstDone = machine.messageReceived(AMIMessage(["Response": "Success", "ActionID": first, "Ping": "Pong"]))
        guard case .succeed(let id2, let r2) = secondDone.first, case .succeed(let id1, let r1) = firstDone.first else {
            Issue.record("\(secondDone) \(firstDone)")
            return
        }
        #expect(id2 == second && r2.message["AMIversion"] == "13.0.0")
        #expect(id1 == first && r1.message["Ping"] == "Pong")
    }

    @Test("a list action collects items until its Complete event; other events still flow")
    func listCollection() {
        var machine = Self.active()
        let (id, _) = machine.actionRequested(AMIAction("CoreShowChannels"))
        #expect(machine.messageReceived(AMIMessage(["Response": "Success", "ActionID": id, "EventList": "start"])) == [])
        #expect(machine.messageReceived(AMIMessage(["Event": "CoreShowChannel", "ActionID": id, "Channel": "A"])) == [])
        let hangup = AMIMessage(["Event": "Hangup", "Channel": "B"])
        #expect(machine.messageReceived(hangup) == [.deliver(hangup)])
        #expect(machine.messageReceived(AMIMessage(["Event": "CoreShowChannel", "ActionID": id, "Channel": "C"])) == [])
        let outputs = machine.messageReceived(AMIMessage(["Event": "CoreShowChannelsComplete", "ActionID": id, "EventList": "Complete", "ListItems": "2"]))
        guard case .succeed(_, let response) = outputs.first else { Issue.record("\(outputs)"); return }
        #expect(response.items.map { $0["Channel"] } == ["A", "C"])
        #expect(response.completion?["ListItems"] == "2")
    }

    @Test("a dropped link: idempotent actions may be asked again, non-idempotent ones are outcome-unknown")
    func dropClassifiesPending() {
        var machine = Self.active()
        let (ping, _) = machine.actionRequested(AMIAction("Ping"))
        let (originate, _) = machine.actionRequested(AMIAction("Originate", ["Channel": "Local/1@x"]))
        let (redirect, _) = machine.actionRequested(AMIAction("Redirect", ["Channel": "Local/1@x"]))
        let outputs = machine.channelClosed(reason: "reset", jitter: 0)
        #expect(outputs.contains(.fail(actionID: ping, .disconnected(pbx: "hq", action: "Ping"))))
        #expect(outputs.contains(.fail(actionID: originate, .outcomeUnknown(pbx: "hq", action: "Originate", actionID: originate))))
        #expect(outputs.contains(.fail(actionID: redirect, .outcomeUnknown(pbx: "hq", action: "Redirect", actionID: redirect))))
        #expect(outputs.contains(.disconnected(reason: "reset")))
        #expect(!outputs.contains { if case .send = $0 { true } else { false } })
        #expect(machine.pendingCount == 0)
    }

    @Test("an unanswered keepalive Ping closes the link")
    func keepalive() {
        var machine = Self.active()
        guard case .send(let ping) = machine.keepaliveTick().first else { Issue.record("no ping"); return }
        #expect(ping.action.name == "Ping")
        #expect(machine.keepaliveTick().contains(.closeConnection))
    }

    @Test("event filters are sent after login, always keeping FullyBooted and Shutdown")
    func filterAfterLogin() {
        var machine = Machine(configuration: Self.configuration(filter: ["Hangup", "AgentCalled"]))
        _ = machine.start()
        _ = machine.channelActive()
        guard case .send(let login) = machine.bannerReceived("Asterisk Call Manager/13.0.0").first else { return }
        let outputs = machine.messageReceived(AMIMessage(["Response": "Success", "ActionID": login.actionID]))
        guard case .send(let filter) = outputs.last else { Issue.record("\(outputs)"); return }
        #expect(filter.action.name == "Filter")
        #expect(filter.action.headers.first { $0.0 == "Filter" }?.1 == "^Event: (AgentCalled|FullyBooted|Hangup|Shutdown)[[:space:]]")
    }

    @Test("a late response for a timed-out action is reported, not delivered to anyone")
    func lateResponse() {
        var machine = Self.active()
        let (id, _) = machine.actionRequested(AMIAction("Ping"))
        #expect(machine.actionTimedOut(id) == [.fail(actionID: id, .timeout(pbx: "hq", action: "Ping", seconds: 10))])
        let late = machine.messageReceived(AMIMessage(["Response": "Success", "ActionID": id]))
        guard case .protocolError = late.first else { Issue.record("\(late)"); return }
    }

    @Test("shutdown logs off; the close that follows schedules no reconnect")
    func shutdown() {
        var machine = Self.active()
        guard case .send(let logoff) = machine.shutdownRequested().first else { Issue.record("no logoff"); return }
        #expect(logoff.action.name == "Logoff")
        #expect(machine.messageReceived(AMIMessage(["Response": "Goodbye", "ActionID": logoff.actionID])) == [.closeConnection])
        #expect(machine.channelClosed(reason: "closed", jitter: 0) == [])
        #expect(machine.state == .shutDown)
    }

    @Test("a value with a line break cannot be sent (no header injection)")
    func headerInjection() {
        for value in ["x\r\nAction: Hangup", "x\nAction: Hangup", "x\rY"] {
            var buffer = ByteBuffer()
            #expect(throws: AMIError.self) {
                try AMIAction("Originate", ["CallerID": value]).write(actionID: "1", into: &buffer)
            }
            #expect(buffer.readableBytes == 0)
        }
    }
}

import NIOCore
