import AMI
import Foundation
import MetricsTestKit
import PBXSimulator
import Testing

@Suite("AMI client against replayed real Asterisk sessions")
struct AMIClientReplayTests {
    @Test("plain login, Ping, and Logoff at shutdown")
    func plainLogin() async throws {
        try await ReplayHarness.run("set-a/ami-01-login-plain") { client, _, events async throws in
            #expect(try await events.first { $0.isConnected }.generation == 1)
            let pong = try await client.send(AMIAction("Ping"))
            #expect(pong.message["Ping"] == "Pong")
            #expect(pong.pbx == "test-pbx")
            return true
        }
    }

    @Test("MD5 challenge login sends the key Asterisk accepted in the capture")
    func md5Login() async throws {
        try await ReplayHarness.run("set-a/ami-01-login-md5", configure: { $0.authType = .md5 }) { _, _, events async throws in
            #expect(try await events.first { $0.isConnected }.generation == 1)
            return true
        }
    }

    @Test("a wrong secret is a typed authentication error and is not retried in a storm")
    func badSecret() async throws {
        try await ReplayHarness.run("set-a/ami-01-login-bad-secret", configure: { $0.secret = "wrong" }) { _, server, events async throws in
            let failure = try await events.first { if case .connectionFailed = $0 { true } else { false } }
            guard case .connectionFailed(_, .authenticationFailed(let pbx, let username, let message)) = failure else {
                Issue.record("expected authenticationFailed, got \(failure)")
                return false
            }
            #expect(pbx == "test-pbx" && username == "crmd" && message == "Authentication failed")
            #expect(!"\(failure)".contains("wrong"))
            try await Task.sleep(for: .milliseconds(500))
            #expect(server.connectionCount == 1)
            return true
        }
    }

    @Test("list actions collect their items; Command output; errors are typed with Asterisk's message")
    func statusActions() async throws {
        try await ReplayHarness.run("set-a/ami-05-status-actions") { client, _, events async throws in
            _ = try await events.first { $0.isConnected }
            _ = try await client.send(AMIAction("Ping"))
            let settings = try await client.send(AMIAction("CoreSettings"))
            #expect(settings.message["AsteriskVersion"] == "GIT-master-f0c1c1a7b7")
            let command = try await client.send(AMIAction("Command", ["Command": "core show version"]))
            #expect(command.message.values("Output").count == 1)
            let queues = try await client.send(AMIAction("QueueStatus"))
            #expect(queues.items.map { $0.eventName } == ["QueueParams", "QueueMember", "QueueMember", "QueueParams", "QueueMember"])
            #expect(queues.completion?["ListItems"] == "5")
            let summary = try await client.send(AMIAction("QueueSummary"))
            #expect(summary.items.count == 2)
            let idle = try await client.send(AMIAction("CoreShowChannels"))
            #expect(idle.items.isEmpty && idle.completion?["ListItems"] == "0")
            _ = try await client.send(AMIAction("Originate", ["Channel": "Local/100@inbound", "Application": "Wait", "Data": "15",
                                                             "CallerID": "\"Wang Wu\" <+8613700137000>", "Async": "true"]))
            let busy = try await client.send(AMIAction("QueueStatus"))
            #expect(busy.items.contains { $0.eventName == "QueueMember" && $0["Name"] == "Agent1002" && $0["InCall"] == "1" })
            let channels = try await client.send(AMIAction("CoreShowChannels"))
            #expect(channels.items.allSatisfy { $0["Linkedid"] != nil } && !channels.items.isEmpty)
            return true
        }
    }

    @Test("a read-only user's Originate fails with Permission denied and the link stays usable")
    func readonlyOriginate() async throws {
        try await ReplayHarness.run("set-a/ami-08-readonly-originate", configure: { $0.username = "readonly"; $0.secret = "ro-secret" }) { client, _, events async throws in
            _ = try await events.first { $0.isConnected }
            await #expect(throws: AMIError.actionFailed(pbx: "test-pbx", action: "Originate", message: "Permission denied")) {
                try await client.send(AMIAction("Originate", ["Channel": "Local/100@inbound", "Application": "Wait", "Data": "1"]))
            }
            #expect(try await client.send(AMIAction("Ping")).message["Ping"] == "Pong")
            return true
        }
    }

    @Test("concurrent originates get their own responses and OriginateResponse events carry their ActionIDs")
    func concurrentOriginates() async throws {
        try await ReplayHarness.run("set-a/ami-04-originate-results", configure: { $0.eventMask = "on" }) { client, _, events async throws in
            _ = try await events.first { $0.isConnected }
            let targets = ["13900139000", "555", "556", "557"]
            let ids = try await withThrowingTaskGroup(of: (String, String).self) { group in
                for (index, target) in targets.enumerated() {
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(30 * index))
                        let response = try await client.send(AMIAction("Originate", ["Channel": "Local/\(target)@customers", "Async": "true"]))
                        #expect(response.message["Message"] == "Originate successfully queued")
                        return (target, response.actionID)
                    }
                }
                return try await group.reduce(into: [String: String]()) { $0[$1.0] = $1.1 }
            }
            var reasons: [String: String] = [:]
            for await element in events {
                guard let event = element.event, event.name == "OriginateResponse", let id = event.message.actionID else { continue }
                reasons[id] = event.message["Reason"]
                if reasons.count == 4 { break }
            }
            #expect(reasons[ids["13900139000"]!] == "4")
            #expect(reasons[ids["555"]!] == "5")
            #expect(reasons[ids["556"]!] == "8")
            #expect(reasons[ids["557"]!] == "3")
            return true
        }
    }

    @Test("Shutdown then close: the client reconnects, logs in again and signals a new generation")
    func restart() async throws {
        try await ReplayHarness.run("set-a/ami-09-restart", configure: { $0.eventMask = "on" }) { _, server, events async throws in
            var seen: [String] = []
            for await element in events {
                switch element {
                case .connected(_, let generation): seen.append("connected \(generation)")
                case .event(let event) where event.name == "Shutdown": seen.append("Shutdown")
                case .disconnected: seen.append("disconnected")
                default: break
                }
                if seen.last == "connected 2" { break }
            }
            #expect(seen == ["connected 1", "Shutdown", "disconnected", "connected 2"])
            // The replay restarts again after the second login, so a third connection may already be under way.
            #expect(server.connectionCount >= 2)
            return true
        }
    }

    @Test("a PBX that drops the link after an Originate yields outcomeUnknown, and nothing is resent")
    func outcomeUnknown() async throws {
        try await ReplayHarness.run("set-a/ami-04-originate-results", hangUpOn: "Originate", configure: { $0.eventMask = "on" }) { client, server, events async throws in
            _ = try await events.first { $0.isConnected }
            let error = await #expect(throws: AMIError.self) {
                try await client.send(AMIAction("Originate", ["Channel": "Local/13900139000@customers", "Async": "true"]))
            }
            guard case .outcomeUnknown(let pbx, let action, _) = error else {
                Issue.record("expected outcomeUnknown, got \(String(describing: error))")
                return false
            }
            #expect(pbx == "test-pbx" && action == "Originate")
            #expect(try await events.first { $0.generation == 2 }.generation == 2)
            #expect(server.connectionCount >= 2)
            try await Task.sleep(for: .milliseconds(200))
            #expect(server.receivedActions.filter { $0 == "Originate" }.count == 1)
            return true
        }
    }

    @Test("an action while disconnected fails fast with notConnected")
    func notConnected() async throws {
        let client = AMIClient(configuration: ReplayHarness.configuration(port: 1), logger: ReplayHarness.logger)
        await #expect(throws: AMIError.notConnected(pbx: "test-pbx")) {
            try await client.send(AMIAction("Ping"))
        }
    }

    @Test("a refused TCP connection is reported and retried with backoff")
    func refused() async throws {
        let client = AMIClient(configuration: ReplayHarness.configuration(port: 1), logger: ReplayHarness.logger)
        let events = client.events()
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            var failures = 0
            for await element in events {
                if case .connectionFailed(_, .connectFailed(_, let host, let port, _)) = element {
                    #expect(host == "127.0.0.1" && port == 1)
                    failures += 1
                    if failures == 3 { break }
                }
            }
            group.cancelAll()
        }
    }

    @Test("the link's figures: logged in while the session lasts, events received and events a slow consumer lost")
    func linkMetrics() async throws {
        let metrics = TestMetrics()
        let pbx = [("pbx", "test-pbx")]
        try await ReplayHarness.run("set-a/ami-02-inbound-answered", configure: { $0.eventMask = "on" }, metrics: metrics) {
            client, _, events async throws in
            let slow = client.events(bufferSize: 4)
            _ = try await events.first { $0.isConnected }
            #expect(try metrics.expectGauge("calldesk_ami_connected", pbx).lastValue == 1)
            _ = try await client.send(AMIAction("Originate", ["Channel": "Local/100@inbound", "Async": "true"]))
            _ = try await events.first { $0.event?.name == "Cdr" }
            let counters = await client.counterSnapshot
            #expect(counters.eventsReceived > 4)
            #expect(try metrics.expectCounter("calldesk_ami_events_total", pbx).totalValue == Int64(counters.eventsReceived))
            #expect(try metrics.expectCounter("calldesk_ami_events_dropped_total", pbx).totalValue == Int64(counters.eventsDropped))
            #expect(counters.eventsDropped > 0)
            #expect(try metrics.expectCounter("calldesk_ami_logins_total", pbx).totalValue == 1)
            withExtendedLifetime(slow) {}
            return true
        }
        #expect(try metrics.expectGauge("calldesk_ami_connected", pbx).lastValue == 0)
    }

    @Test("a batched subscriber gets each read's events as one element: the same events, in the same order")
    func batchedSubscriber() async throws {
        try await ReplayHarness.run("set-a/ami-02-inbound-answered", configure: { $0.eventMask = "on" }) { client, _, _ async throws in
            let batched = client.events(batched: true)
            let single = client.events()
            _ = try await single.first { $0.isConnected }
            _ = try await client.send(AMIAction("Originate", ["Channel": "Local/100@inbound", "Async": "true"]))
            var singles: [String] = []
            for await element in single {
                guard let event = element.event else { continue }
                singles.append("\(event.name) \(event.message["Uniqueid"] ?? "")")
                if event.name == "Cdr" { break }
            }
            var batches: [String] = [], elements = 0
            for await element in batched {
                guard case .events(let events) = element else { continue }
                elements += 1
                batches += events.map { "\($0.name) \($0.message["Uniqueid"] ?? "")" }
                if batches.count >= singles.count { break }
            }
            #expect(Array(batches.prefix(singles.count)) == singles && singles.count > 20, "\(batches.prefix(5)) vs \(singles.prefix(5))")
            #expect(elements < singles.count, "\(singles.count) events came in \(elements) elements")
            return true
        }
    }

    @Test("a consumer that cannot keep up gets an overflow count, never silence")
    func slowConsumer() async throws {
        try await ReplayHarness.run("set-a/ami-02-inbound-answered", configure: { $0.eventMask = "on" }) { client, _, _ async throws in
            let slow = client.events(bufferSize: 8)
            let fast = client.events()
            _ = try await fast.first { $0.isConnected }
            _ = try await client.send(AMIAction("Originate", ["Channel": "Local/100@inbound", "Async": "true"]))
            _ = try await fast.first { $0.event?.name == "Cdr" }
            try await Task.sleep(for: .milliseconds(300))
            let counters = await client.counterSnapshot
            #expect(counters.eventsDropped > 0)
            var iterator = slow.makeAsyncIterator()
            var buffered = 0
            while buffered < 8, let element = await iterator.next() {
                if case .overflow = element { break }
                buffered += 1
            }
            // The consumer has drained its buffer; the next thing the PBX sends lets the marker through.
            _ = try? await client.send(AMIAction("Ping"))
            let next = await iterator.next()
            guard case .overflow(let pbx, let dropped) = next else {
                Issue.record("expected an overflow marker, got \(String(describing: next))")
                return false
            }
            #expect(pbx == "test-pbx")
            #expect(dropped == counters.eventsDropped)
            #expect(buffered == 8)
            return true
        }
    }
}

@Suite("Several PBXs")
struct SeveralPBXTests {
    @Test("each PBX has its own supervised connection and every event and result carries its name")
    func eventsTaggedByPBX() async throws {
        let hq = try await AMIReplayServer.start(capture: ReplayHarness.capture("set-a/ami-09-restart"), logger: ReplayHarness.logger)
        let branch = try await AMIReplayServer.start(capture: ReplayHarness.capture("set-a/ami-01-login-plain"), logger: ReplayHarness.logger)
        var hqConfig = ReplayHarness.configuration(port: hq.port, eventMask: "on")
        hqConfig.pbx = "hq"
        var branchConfig = ReplayHarness.configuration(port: branch.port)
        branchConfig.pbx = "branch"
        let clients = [AMIClient(configuration: hqConfig, logger: ReplayHarness.logger),
                       AMIClient(configuration: branchConfig, logger: ReplayHarness.logger)]
        let streams = clients.map { $0.events() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { try await client.run() } }
            _ = try await streams[0].first { if case .connected(let pbx, _) = $0 { pbx == "hq" } else { false } }
            _ = try await streams[1].first { if case .connected(let pbx, _) = $0 { pbx == "branch" } else { false } }
            let shutdown = try await streams[0].first { $0.event?.name == "Shutdown" }
            #expect(shutdown.event?.pbx == "hq")
            let pong = try await clients[1].send(AMIAction("Ping"))
            #expect(pong.pbx == "branch")
            group.cancelAll()
        }
        await hq.close()
        await branch.close()
    }
}

@Suite("AMI error responses from a real Asterisk")
struct AMIErrorResponseTests {
    @Test("unknown action, missing Channel and missing channel are typed failures with Asterisk's words")
    func errors() async throws {
        try await ReplayHarness.run("set-b/ami-08b-errors-logged-in") { client, _, events async throws in
            _ = try await events.first { $0.isConnected }
            await #expect(throws: AMIError.actionFailed(pbx: "test-pbx", action: "FooBarBaz",
                message: "Invalid/unknown command: FooBarBaz. Use Action: ListCommands to show available commands.")) {
                try await client.send(AMIAction("FooBarBaz"))
            }
            let missing = await #expect(throws: AMIError.self) { try await client.send(AMIAction("Originate", ["Exten": "100"])) }
            #expect("\(missing.map { "\($0)" } ?? "")".contains("Originate failed:"))
            #expect(try await client.send(AMIAction("Ping")).message["Ping"] == "Pong")
            return true
        }
    }
}
