import AMI
import Foundation
import NIOCore
import PBXMonitor
import Telephony
import Testing

/// The messages of a real capture, in order.
func messages(_ capture: String) throws -> [AMIMessage] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("AMITests/Fixtures")
    var buffer = ByteBuffer(bytes: Array(try Data(contentsOf: root.appendingPathComponent(capture))))
    var parser = AMIFrameParser()
    var result: [AMIMessage] = []
    while let frame = parser.next(&buffer) {
        if case .message(let message) = frame { result.append(message) }
    }
    return result
}

@Suite("Queues and agents from real Asterisk captures")
struct QueueMonitorTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Feeds the capture's events until `stop` says so; returns the monitor then.
    func monitor(_ capture: String, until stop: (AMIMessage) -> Bool = { _ in false }) throws -> QueueMonitor {
        var monitor = QueueMonitor()
        for message in try messages(capture) where message.eventName != nil {
            _ = monitor.handle(message, at: start)
            if stop(message) { break }
        }
        return monitor
    }

    @Test("a QueueStatus listing gives each queue its callers in line with their wait, and each agent its pause and reason")
    func statusListing() throws {
        let items = try messages("set-b/ami-05b-status-busy.server.txt").filter { $0["ActionID"] == "queuestatus-busy" && $0.eventName != nil }
        var monitor = QueueMonitor()
        let changes = monitor.load(status: items, at: start)
        #expect(Set(changes).isSuperset(of: [.queue("hotline"), .queue("nobody"), .agent("Local/1001@agents/n")]))
        let hotline = try #require(monitor.queues["hotline"])
        #expect(hotline.callers.map(\.number) == ["13800138000"] && hotline.callers.first?.position == 1)
        #expect(hotline.longestWait(at: start) == 2)
        let agent = try #require(monitor.agent("Local/1001@agents/n", at: start))
        #expect(agent.name == "Agent1001" && agent.extension == "1001" && agent.queues == ["hotline"])
        guard case .paused(let reason, _) = agent.activity else { Issue.record("\(agent.activity)"); return }
        #expect(reason == "meeting")
        #expect(monitor.agent("Local/1009@agents/n", at: start)?.activity == .available)

        // A second listing (after a reconnect) replaces the first: a caller gone meanwhile is gone.
        let emptied = items.filter { $0.eventName != "QueueEntry" }
        _ = monitor.load(status: emptied, at: start)
        #expect(monitor.queues["hotline"]?.callers.isEmpty == true)
    }

    @Test("Asterisk's QueueSummary agrees with a QueueStatus listing; a missed event is flagged on the second check in a row, and a reload clears it")
    func summaryReconciles() throws {
        let capture = try messages("set-b/ami-05b-status-busy.server.txt").filter { $0.eventName != nil }
        let status = capture.filter { $0["ActionID"] == "queuestatus-busy" }
        let summary = capture.filter { $0["ActionID"] == "queuesummary-busy" }
        #expect(summary.filter { $0.eventName == "QueueSummary" }.map { $0["Queue"] } == ["hotline", "nobody"])
        var monitor = QueueMonitor()
        _ = monitor.load(status: status, at: start)
        #expect(monitor.reconcile(summary: summary).isEmpty && monitor.reconcile(summary: summary).isEmpty)

        // The caller's leave is seen, but Asterisk still counts them (their leave was in flight): not yet stale.
        let caller = try #require(monitor.queues["hotline"]?.callers.first)
        _ = monitor.handle(AMIMessage(headers: [("Event", "QueueCallerLeave"), ("Queue", "hotline"), ("Uniqueid", caller.uniqueID),
                                                ("Count", "0"), ("Position", "1")]), at: start)
        #expect(monitor.reconcile(summary: summary).isEmpty)
        // Still differing on the next check: the state missed something, so the queue is named for a reload.
        #expect(monitor.reconcile(summary: summary) == ["hotline"])
        _ = monitor.load(status: status, at: start)
        #expect(monitor.reconcile(summary: summary).isEmpty)

        // A queue Asterisk lists that events never showed, and one it no longer has, are named too.
        var partial = QueueMonitor()
        _ = partial.load(status: status.filter { $0["Queue"] != "nobody" }, at: start)
        _ = partial.reconcile(summary: summary)
        #expect(partial.reconcile(summary: summary) == ["nobody"])
        _ = monitor.reconcile(summary: summary.filter { $0["Queue"] != "nobody" })
        #expect(monitor.reconcile(summary: summary.filter { $0["Queue"] != "nobody" }) == ["nobody"])
    }

    @Test("a caller joins, both agents ring (ringall), one answers and the other stops ringing; after the call both are free")
    func answeredCall() throws {
        let joined = try monitor("set-a/ami-02-inbound-answered.server.txt") { $0.eventName == "AgentCalled" && $0["Interface"] == "Local/1001@agents/n" }
        #expect(joined.queues["hotline"]?.callers.map(\.number) == ["13800138000"])
        for interface in ["Local/1001@agents/n", "Local/1002@agents/n"] {
            guard case .ringing(let queue, let caller, _) = joined.agent(interface, at: start)?.activity else {
                Issue.record("\(interface) is not ringing"); continue
            }
            #expect(queue == "hotline" && caller == "13800138000")
        }
        let connected = try monitor("set-a/ami-02-inbound-answered.server.txt") { $0.eventName == "AgentConnect" }
        guard case .onCall(let caller, let queue, _) = connected.agent("Local/1001@agents/n", at: start)?.activity else {
            Issue.record("1001 is not on the call"); return
        }
        #expect(caller == "13800138000" && queue == "hotline")
        #expect(connected.agent("Local/1002@agents/n", at: start)?.activity == .available, "ringall: the other stops ringing")
        let after = try monitor("set-a/ami-02-inbound-answered.server.txt")
        #expect(after.queues["hotline"]?.callers.isEmpty == true)
        #expect(after.agents(at: start).map(\.activity) == [.available, .available])
    }

    @Test("pauses with their reasons, a member added, paused for training and removed: each agent's state follows")
    func memberManagement() throws {
        var monitor = QueueMonitor()
        var seen: [String: [String]] = [:]
        for message in try messages("set-b/ami-06-queue-member-management.server.txt") where message.eventName != nil {
            for case .agent(let interface) in monitor.handle(message, at: start) {
                let state = switch monitor.agent(interface, at: start)?.activity {
                case .paused(let reason, _): "paused \(reason ?? "-")"
                case let activity?: activity.name
                case nil: "gone"
                }
                seen[DeviceName.extension(of: interface) ?? interface, default: []].append(state)
            }
        }
        #expect(seen["1001"] == ["paused lunch", "available"])
        #expect(seen["1002"] == ["paused toilet", "available"])
        #expect(seen["1003"] == ["available", "available", "paused training", "gone"])
    }

    @Test("with every member paused, a caller waits alone and abandons; the line is empty again")
    func abandonedWhilePaused() throws {
        let waiting = try monitor("set-b/ami-03a-abandon-all-paused.server.txt") { $0.eventName == "QueueCallerJoin" }
        #expect(waiting.queues["hotline"]?.callers.count == 1)
        #expect(waiting.agents(at: start).allSatisfy { if case .paused = $0.activity { true } else { false } })
        let after = try monitor("set-b/ami-03a-abandon-all-paused.server.txt") { $0.eventName == "QueueCallerAbandon" }
        #expect(after.queues["hotline"]?.callers.isEmpty == true)
    }

    @Test("an agent on a direct call is not free in any queue; wrap-up after a queue call ends on the clock")
    func directCallsAndWrapUp() {
        var monitor = QueueMonitor()
        for queue in ["hotline", "renewals"] {
            _ = monitor.handle(AMIMessage(["Event": "QueueMemberAdded", "Queue": queue, "MemberName": "Agent1001", "Interface": "PJSIP/1001",
                                           "Status": "1", "Paused": "0", "Wrapuptime": "15"]), at: start)
        }
        #expect(monitor.agent("PJSIP/1001", at: start)?.queues == ["hotline", "renewals"])
        let changes = monitor.handle(AMIMessage(["Event": "DeviceStateChange", "Device": "PJSIP/1001", "State": "INUSE"]), at: start)
        #expect(changes == [.agent("PJSIP/1001")])
        guard case .onCall(nil, nil, _) = monitor.agent("PJSIP/1001", at: start)?.activity else { Issue.record("not on a call"); return }
        _ = monitor.handle(AMIMessage(["Event": "DeviceStateChange", "Device": "PJSIP/1001", "State": "NOT_INUSE"]), at: start)
        #expect(monitor.agent("PJSIP/1001", at: start)?.activity == .available)
        // The queue's own pause device is not a phone.
        #expect(monitor.handle(AMIMessage(["Event": "DeviceStateChange", "Device": "Queue:hotline_pause_PJSIP/1001", "State": "INUSE"]), at: start).isEmpty)

        _ = monitor.handle(AMIMessage(["Event": "AgentConnect", "Queue": "hotline", "Interface": "PJSIP/1001", "Uniqueid": "1.1",
                                       "CallerIDNum": "13800138000"]), at: start)
        _ = monitor.handle(AMIMessage(["Event": "AgentComplete", "Queue": "hotline", "Interface": "PJSIP/1001", "Uniqueid": "1.1"]), at: start)
        #expect(monitor.agent("PJSIP/1001", at: start)?.activity == .wrapUp(since: start))
        #expect(monitor.tick(at: start.addingTimeInterval(10)).isEmpty)
        #expect(monitor.tick(at: start.addingTimeInterval(15)) == [.agent("PJSIP/1001")])
        #expect(monitor.agent("PJSIP/1001", at: start.addingTimeInterval(15))?.activity == .available)
    }
}
