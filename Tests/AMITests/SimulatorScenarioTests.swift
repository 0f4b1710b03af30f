import AMI
import Foundation
import NIOPosix
import PBXSimulator
import Testing

@Suite("The simulated PBX emits what the real Asterisk did")
struct SimulatorScenarioTests {
    /// The captures' Asterisk, fast: a 4 s call takes 40 ms.
    static func configuration(_ change: (inout SimulatorConfiguration) -> Void = { _ in }) -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration.standard
        configuration.timeScale = 0.01
        change(&configuration)
        return configuration
    }

    @Test("inbound call answered by Agent1001 (ami-02)")
    func inboundAnswered() async throws {
        let configuration = Self.configuration {
            // Asterisk rang Agent1002 first in the capture; Agent1001 picked up. Agent1002 never answers here, so a
            // loaded machine pausing between the two rings cannot let it win the race (CI once saw that with a 10 ms gap).
            $0.queues[0].members = [("Local/1002@agents/n", "Agent1002"), ("Local/1001@agents/n", "Agent1001")]
            $0.agents = ["1001": .answers(after: 0, talk: 4), "1002": .neverAnswers]
            // The caller's Wait(20) must outlast the 4 s talk even when a loaded machine stalls: 1 s against 0.2 s.
            $0.timeScale = 0.05
        }
        let simulated = try await SimulatorHarness.run(configuration, until: {
            $0.eventName == "Hangup" && $0["Channel"]?.hasSuffix(";1") == true && $0["Channel"]?.contains("inbound") == true
        }) { client in
            _ = try await client.send(AMIAction("Originate", ["Channel": "Local/100@inbound", "Application": "Wait", "Data": "20",
                                                             "CallerID": "\"Zhang San\" <13800138000>", "Async": "true"]))
        }
        let captured = SimulatorHarness.captureStreams("set-a/ami-02-inbound-answered.server.txt")
        expectSameStreams(simulated, captured)
    }
}

extension SimulatorScenarioTests {
    @Test("caller abandons while both members are paused for lunch (ami-03)")
    func abandoned() async throws {
        let simulated = try await SimulatorHarness.run(Self.configuration(), until: {
            $0.eventName == "QueueMemberPause" && $0["Paused"] == "0" && $0["MemberName"] == "Agent1002"
        }) { client in
            for interface in ["Local/1001@agents/n", "Local/1002@agents/n"] {
                _ = try await client.send(AMIAction("QueuePause", ["Interface": interface, "Queue": "hotline", "Paused": "true", "Reason": "lunch"]))
            }
            _ = try await client.send(AMIAction("Originate", ["Channel": "Local/100@inbound", "Application": "Wait", "Data": "4",
                                                             "CallerID": "\"Li Si\" <02188886666>", "Async": "true"]))
            // The caller gives up after 4 simulated seconds (40 ms); unpause well after that.
            try await Task.sleep(for: .milliseconds(500))
            for interface in ["Local/1001@agents/n", "Local/1002@agents/n"] {
                _ = try await client.send(AMIAction("QueuePause", ["Interface": interface, "Queue": "hotline", "Paused": "false"]))
            }
        }
        let captured = SimulatorHarness.captureStreams("set-a/ami-03-inbound-abandoned.server.txt")
        expectSameStreams(simulated, captured)
    }

    @Test("originate results: answered, busy, congestion, no answer (ami-04)")
    func originateResults() async throws {
        let simulated = try await SimulatorHarness.run(Self.configuration(), until: {
            $0.eventName == "Hangup" && $0["Channel"]?.hasPrefix("Local/557@customers") == true && $0["Channel"]?.hasSuffix(";2") == true
        }) { client in
            let common: KeyValuePairs<String, String> = ["Context": "hold", "Exten": "s", "Priority": "1", "Async": "true"]
            _ = try await client.send(AMIAction("Originate", headers: [("Channel", "Local/13900139000@customers")] + common.map { ($0.key, $0.value) }
                + [("CallerID", "\"Kaile Renewal\" <4008001234>"), ("Timeout", "20000"), ("Variable", "CALLDESK_TASK=task-1")]))
            for (number, timeout) in [("555", "20000"), ("556", "20000"), ("557", "5000")] {
                _ = try await client.send(AMIAction("Originate", headers: [("Channel", "Local/\(number)@customers")] + common.map { ($0.key, $0.value) }
                    + [("Timeout", timeout)]))
            }
        }
        let captured = SimulatorHarness.captureStreams("set-a/ami-04-originate-results.server.txt")
        expectSameStreams(simulated, captured)
    }

    @Test("queue member add, pause, unpause, remove, and removing again fails (ami-06)")
    func queueMembers() async throws {
        let simulated = try await SimulatorHarness.run(Self.configuration()) { client in
            _ = try await client.send(AMIAction("QueueAdd", ["Queue": "hotline", "Interface": "Local/1003@agents/n", "MemberName": "Agent1003"]))
            _ = try await client.send(AMIAction("QueuePause", ["Queue": "hotline", "Interface": "Local/1003@agents/n", "Paused": "true", "Reason": "training"]))
            _ = try await client.send(AMIAction("QueuePause", ["Queue": "hotline", "Interface": "Local/1003@agents/n", "Paused": "false"]))
            _ = try await client.send(AMIAction("QueueRemove", ["Queue": "hotline", "Interface": "Local/1003@agents/n"]))
            await #expect(throws: AMIError.actionFailed(pbx: "test-pbx", action: "QueueRemove", message: "Unable to remove interface: Not there")) {
                try await client.send(AMIAction("QueueRemove", ["Queue": "hotline", "Interface": "Local/1003@agents/n"]))
            }
        }
        let captured = SimulatorHarness.captureStreams("set-a/ami-06-queue-members.server.txt")
        expectSameStreams(simulated, captured)
    }
}

/// Every stream (one channel, member or originate) holds the same events in the same order.
func expectSameStreams(_ simulated: [String: [String]], _ captured: [String: [String]], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(Set(simulated.keys) == Set(captured.keys), sourceLocation: sourceLocation)
    for (subject, events) in captured.sorted(by: { $0.key < $1.key }) {
        let mine = simulated[subject] ?? []
        #expect(mine == events, "\(subject)\nsimulated:\n  \(mine.joined(separator: "\n  "))\ncaptured:\n  \(events.joined(separator: "\n  "))",
                sourceLocation: sourceLocation)
    }
}

@Suite("The simulated PBX's AMI answers like Asterisk")
struct SimulatorProtocolTests {
    static func withSimulator(_ change: (inout SimulatorConfiguration) -> Void = { _ in },
                              _ body: @Sendable (SimulatedAMIServer) async throws -> Void) async throws {
        let pbx = SimulatedPBX(configuration: SimulatorScenarioTests.configuration(change), eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let server = try await SimulatedAMIServer.start(pbx: pbx, logger: ReplayHarness.logger)
        do { try await body(server) } catch { await server.close(); throw error }
        await server.close()
    }

    static func client(_ server: SimulatedAMIServer, _ change: (inout AMIClientConfiguration) -> Void = { _ in }) -> AMIClient {
        var configuration = ReplayHarness.configuration(port: server.port, eventMask: "on")
        change(&configuration)
        return AMIClient(configuration: configuration, logger: ReplayHarness.logger)
    }

    /// Runs `body` with a logged-in client.
    static func loggedIn(_ server: SimulatedAMIServer, _ change: (inout AMIClientConfiguration) -> Void = { _ in },
                         _ body: @escaping @Sendable (AMIClient, AsyncStream<AMIStreamElement>) async throws -> Void) async throws {
        let client = client(server, change)
        let events = client.events()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            _ = try await events.first { $0.isConnected }
            try await body(client, events)
            group.cancelAll()
        }
    }

    @Test("MD5 and plain logins work; a wrong secret is refused")
    func logins() async throws {
        try await Self.withSimulator { server async throws in
            try await Self.loggedIn(server, { $0.authType = .md5 }) { client, _ async throws in
                #expect(try await client.send(AMIAction("Ping")).message["Ping"] == "Pong")
            }
            let wrong = Self.client(server) { $0.secret = "nope" }
            let events = wrong.events()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await wrong.run() }
                let failure = try await events.first { if case .connectionFailed = $0 { true } else { false } }
                if case .connectionFailed(_, .authenticationFailed(_, _, let message)) = failure {
                    #expect(message == "Authentication failed")
                } else {
                    Issue.record("expected authenticationFailed, got \(failure)")
                }
                group.cancelAll()
            }
        }
    }

    @Test("errors in Asterisk's words: unknown action, missing Channel, no such extension, read-only user")
    func errors() async throws {
        try await Self.withSimulator { server async throws in
            try await Self.loggedIn(server) { client, _ async throws in
                await #expect(throws: AMIError.actionFailed(pbx: "test-pbx", action: "NoSuchAction",
                    message: "Invalid/unknown command: NoSuchAction. Use Action: ListCommands to show available commands.")) {
                    try await client.send(AMIAction("NoSuchAction"))
                }
                await #expect(throws: AMIError.actionFailed(pbx: "test-pbx", action: "Originate", message: "Channel not specified")) {
                    try await client.send(AMIAction("Originate", ["Exten": "1"]))
                }
                await #expect(throws: AMIError.actionFailed(pbx: "test-pbx", action: "Originate", message: "Extension does not exist.")) {
                    try await client.send(AMIAction("Originate", ["Channel": "Local/1@nowhere", "Context": "nowhere", "Exten": "1", "Priority": "1"]))
                }
                await #expect(throws: AMIError.actionFailed(pbx: "test-pbx", action: "Hangup", message: "No such channel")) {
                    try await client.send(AMIAction("Hangup", ["Channel": "Local/doesnotexist-0000;1"]))
                }
            }
            try await Self.loggedIn(server, { $0.username = "readonly"; $0.secret = "ro-secret" }) { client, _ async throws in
                await #expect(throws: AMIError.actionFailed(pbx: "test-pbx", action: "Originate", message: "Permission denied")) {
                    try await client.send(AMIAction("Originate", ["Channel": "Local/100@inbound", "Application": "Wait", "Data": "1"]))
                }
                #expect(try await client.send(AMIAction("Ping")).message["Ping"] == "Pong")
            }
        }
    }

    @Test("QueueStatus and CoreShowChannels list a waiting caller and its channels")
    func statusLists() async throws {
        // Slower simulated time than the others: the caller must still be waiting when a busy machine gets to ask.
        try await Self.withSimulator({ $0.timeScale = 0.1 }) { server async throws in
            try await Self.loggedIn(server) { client, events async throws in
                for interface in ["Local/1001@agents/n", "Local/1002@agents/n"] {
                    _ = try await client.send(AMIAction("QueuePause", ["Interface": interface, "Paused": "true"]))
                }
                _ = try await client.send(AMIAction("Originate", ["Channel": "Local/100@inbound", "Application": "Wait", "Data": "1000",
                                                                 "CallerID": "\"Wang Wu\" <+8613700137000>", "Async": "true"]))
                _ = try await events.first { $0.event?.name == "QueueCallerJoin" }
                let status = try await client.send(AMIAction("QueueStatus", ["Queue": "hotline"]))
                let entry = try #require(status.items.compactMap { $0.as(QueueEntryItem.self) }.first)
                #expect(entry.callerIDNumber == "+8613700137000" && entry.position == 1)
                #expect(status.items.compactMap { $0.as(QueueMemberItem.self) }.allSatisfy { $0.isPaused })
                let channels = try await client.send(AMIAction("CoreShowChannels"))
                #expect(channels.items.count == 2)
                #expect(Set(channels.items.compactMap { $0.as(CoreShowChannelItem.self)?.channel.linkedID }).count == 1)
                #expect(channels.completion?["ListItems"] == "2")
            }
        }
    }

    @Test("MixMonitor on an answered call, then a hangup by channel name")
    func mixMonitorAndHangup() async throws {
        try await Self.withSimulator({ $0.timeScale = 1; $0.defaultCustomer = .answer(after: 0, talk: 100_000) }) { server async throws in
            try await Self.loggedIn(server) { client, events async throws in
                let response = try await client.send(AMIAction("Originate", ["Channel": "Local/13900139001@customers", "Context": "hold",
                                                                            "Exten": "s", "Priority": "1", "Async": "true"]))
                let answered = try await events.first { $0.event?.name == "OriginateResponse" && $0.event?.message.actionID == response.actionID }
                let channel = try #require(answered.event?.message["Channel"])
                _ = try await client.send(AMIAction("MixMonitor", ["Channel": channel, "File": "/var/spool/asterisk/monitor/call.wav"]))
                #expect(try await events.first { $0.event?.name == "MixMonitorStart" }.event?.message["Channel"] == channel)
                _ = try await client.send(AMIAction("StopMixMonitor", ["Channel": channel]))
                _ = try await events.first { $0.event?.name == "MixMonitorStop" }
                _ = try await client.send(AMIAction("Hangup", ["Channel": channel]))
                let hangup = try await events.first { [channel] element in
                    element.event?.name == "Hangup" && element.event?.message["Channel"] == channel
                }
                #expect(hangup.event?.message.as(HangupEvent.self)?.cause == 16)
            }
        }
    }

    @Test("a restart sends Shutdown and closes; the client reconnects and logs in again")
    func restart() async throws {
        try await Self.withSimulator { server async throws in
            try await Self.loggedIn(server) { _, events async throws in
                await server.restart()
                _ = try await events.first { $0.event?.name == "Shutdown" }
                #expect(try await events.first { $0.generation == 2 }.generation == 2)
            }
        }
    }

    @Test("an agent that never answers gives AgentRingNoAnswer, then the queue rings again")
    func ringNoAnswer() async throws {
        try await Self.withSimulator { server async throws in
            try await Self.loggedIn(server) { client, events async throws in
                _ = try await client.send(AMIAction("QueueRemove", ["Queue": "hotline", "Interface": "Local/1001@agents/n"]))
                _ = try await client.send(AMIAction("QueueRemove", ["Queue": "hotline", "Interface": "Local/1002@agents/n"]))
                _ = try await client.send(AMIAction("QueueAdd", ["Queue": "hotline", "Interface": "Local/1009@agents/n", "MemberName": "Agent1009"]))
                // The caller waits 60 s (real time here): a loaded machine stalling the loop past the ring timeout and the
                // caller's wait at once would otherwise hang the caller up before the queue rings again (CI saw that with 0.4 s).
                _ = try await client.send(AMIAction("Originate", ["Channel": "Local/100@inbound", "Application": "Wait", "Data": "6000",
                                                                 "CallerID": "\"Wang Wu\" <13700002222>", "Async": "true"]))
                let noAnswer = try await events.first { $0.event?.name == "AgentRingNoAnswer" }
                let event = try #require(noAnswer.event?.message.as(AgentRingNoAnswerEvent.self))
                #expect(event.memberName == "Agent1009" && (event.ringTime ?? 0) >= 15_000)
                let again = try await events.first { $0.event?.name == "AgentCalled" }
                #expect(again.event?.message["MemberName"] == "Agent1009")
            }
        }
    }
}

@Suite("Simulated traffic")
struct TrafficGeneratorTests {
    @Test("generated hotline traffic: every call joins and leaves the queue once: answered, abandoned or timed out")
    func everyCallAccountedFor() async throws {
        var configuration = SimulatorConfiguration.callCenter(agents: 3, answerAfter: 1, talk: 20)
        configuration.timeScale = 0.002
        let pbx = SimulatedPBX(configuration: configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let server = try await SimulatedAMIServer.start(pbx: pbx, logger: ReplayHarness.logger)
        let client = AMIClient(configuration: ReplayHarness.configuration(port: server.port, eventMask: "on"), logger: ReplayHarness.logger)
        let events = client.events()
        let control = client.events()
        let calls = 40
        let generator = TrafficGenerator(callsPerSecond: 1, callerNumbers: ["13800138000", "02188886666", "+8613700137000"],
                                         abandonProbability: 0.3, limit: calls)
        let outcome = try await withThrowingTaskGroup(of: [String: Int]?.self) { group in
            group.addTask { try await client.run(); return nil }
            group.addTask {
                _ = try await control.first { $0.isConnected }
                try await generator.run(on: pbx, logger: ReplayHarness.logger)
                try await Task.sleep(for: .seconds(30))
                return nil
            }
            group.addTask {
                var counts: [String: Int] = [:]
                var callersGone = 0
                for await element in events {
                    guard let event = element.event else { continue }
                    counts[event.name, default: 0] += 1
                    if event.name == "Hangup", event.message["Channel"]?.hasPrefix("Local/100@inbound") == true,
                       event.message["Channel"]?.hasSuffix(";1") == true {
                        callersGone += 1
                    }
                    // A call's AgentComplete may follow its caller's Hangup: wait for both.
                    if callersGone == calls, counts["AgentComplete", default: 0] == counts["AgentConnect", default: 0] { return counts }
                }
                return counts
            }
            var result: [String: Int] = [:]
            while let next = try await group.next() { if let next { result = next; break } }
            group.cancelAll()
            return result
        }
        await server.close()
        #expect(outcome["QueueCallerJoin"] == calls)
        #expect(outcome["QueueCallerLeave"] == calls)
        let answered = outcome["AgentConnect"] ?? 0, abandoned = outcome["QueueCallerAbandon"] ?? 0
        #expect(answered + abandoned <= calls)
        #expect(answered > 0 && abandoned > 0)
        #expect(outcome["AgentComplete"] == answered)
        let stats = await pbx.currentStats()
        #expect(stats.callsStarted == calls)
    }
}

extension SimulatorScenarioTests {
    @Test("BlindTransfer of an agent's call: the first agent's AgentComplete says transfer, the caller dials the second and hangs up last")
    func blindTransfer() async throws {
        let configuration = Self.configuration {
            $0.timeScale = 0.05
            $0.queues[0].members = [("Local/1001@agents/n", "Agent1001")]
            $0.agents = ["1001": .answers(after: 0, talk: 1_000), "1002": .answers(after: 1, talk: 2)]
        }
        let simulated = try await SimulatorHarness.run(configuration, until: {
            $0.eventName == "Hangup" && $0["Channel"]?.hasPrefix("Local/100@inbound") == true && $0["Channel"]?.hasSuffix(";1") == true
        }) { client in
            let events = client.events()
            _ = try await client.send(AMIAction("Originate", ["Channel": "Local/100@inbound", "Application": "Wait", "Data": "1000",
                                                             "CallerID": "\"Zhang San\" <13800138000>", "Async": "true"]))
            _ = try await events.first { $0.event?.name == "AgentConnect" }
            await #expect(throws: AMIError.actionFailed(pbx: "test-pbx", action: "BlindTransfer", message: "No extension specified")) {
                try await client.send(AMIAction("BlindTransfer", ["Channel": "Local/100@inbound-00000000;2"]))
            }
            let channels = try await client.send(AMIAction("CoreShowChannels")).items.compactMap { $0["Channel"] }
            let agentPhone = try #require(channels.first { $0.hasPrefix("Local/1001@agents-") && $0.hasSuffix(";2") })
            let reply = try await client.send(AMIAction("BlindTransfer", ["Channel": agentPhone, "Context": "agents", "Exten": "1002"]))
            #expect(reply.message["Message"] == "Transfer succeeded")
        }
        let caller = try #require(simulated["Local/100@inbound;2"])
        let transfer = try #require(caller.firstIndex { $0.hasPrefix("AgentComplete") && $0.contains("Reason=transfer") })
        let dial = try #require(caller.firstIndex { $0.hasPrefix("DialBegin") && $0.contains("DestChannel=Local/1002@agents;1") })
        let answer = try #require(caller.firstIndex { $0.hasPrefix("DialEnd") && $0.contains("Local/1002@agents;1 DialStatus=ANSWER") })
        #expect(transfer < dial && dial < answer)
        #expect(caller.last?.hasPrefix("Hangup") == true)
        #expect(simulated["Local/1001@agents;2"]?.last?.hasPrefix("Hangup") == true)
    }
}
