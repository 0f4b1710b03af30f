import AMI
import Foundation
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
            // Asterisk rang Agent1002 first in the capture; Agent1001 picked up first.
            $0.queues[0].members = [("Local/1002@agents/n", "Agent1002"), ("Local/1001@agents/n", "Agent1001")]
            $0.agents = ["1001": .answers(after: 0, talk: 4), "1002": .answers(after: 1, talk: 4)]
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
            try await Task.sleep(for: .milliseconds(200))
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
