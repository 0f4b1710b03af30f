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
        let captured = SimulatorHarness.captureSignatures("set-a/ami-02-inbound-answered.server.txt")
        #expect(simulated == captured, "simulated:\n\(simulated.joined(separator: "\n"))\ncaptured:\n\(captured.joined(separator: "\n"))")
    }
}
