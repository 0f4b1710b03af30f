import CRM
import Workflows
import Foundation
import PBXSimulator
import Synchronization
import TestSupport
import Testing

@Suite("Recording on answer", .timeLimit(.minutes(3)))
struct RecordingTests {
    final class Seen: Sendable {
        let starts = Mutex<[String]>([])
    }

    @Test("with a recording directory, MixMonitor starts on the caller's channel at answer and the file is on the call",
          arguments: [TestEngine.sqlite])
    func mixMonitorOnAnswer(_ engine: TestEngine) async throws {
        var simulator = SimulatorConfiguration.callCenter(agents: 1)
        // Long enough that MixMonitor reaches the channel before the hangup on a loaded CI machine.
        simulator.defaultAgent = .answers(after: 0.2, talk: 4)
        simulator.talkTimeVariation = 0
        let configuration = CallLogConfiguration(recordingDirectory: "/var/spool/asterisk/monitor/calldesk")
        try await DaemonHarness.run(engine, simulator: simulator, callLog: configuration) { daemon in
            let seen = Seen()
            await daemon.pbx.observe { message in
                if message.eventName == "MixMonitorStart", let channel = message["Channel"] { seen.starts.withLock { $0.append(channel) } }
            }
            daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
            let call = try #require(try await daemon.endedCalls(1).first)
            #expect(call.recording == "/var/spool/asterisk/monitor/calldesk/main-\(call.linkedID).wav")
            #expect(seen.starts.withLock { $0 }.count == 1)
            #expect(seen.starts.withLock { $0 }.first?.hasPrefix("Local/100@inbound") == true)
        }
    }

    @Test("without a recording directory nothing is recorded", arguments: [TestEngine.sqlite])
    func noRecordingByDefault(_ engine: TestEngine) async throws {
        var simulator = SimulatorConfiguration.callCenter(agents: 1)
        simulator.defaultAgent = .answers(after: 0.1, talk: 0.2)
        try await DaemonHarness.run(engine, simulator: simulator) { daemon in
            daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
            let call = try #require(try await daemon.endedCalls(1).first)
            #expect(call.recording == nil && call.result == .answered)
        }
    }

    @Test("one call's MixMonitor answer held back 5 s delays no other call's pop, and the recording still lands on its call",
          arguments: [TestEngine.sqlite])
    func slowRecordingHoldsUpNobody(_ engine: TestEngine) async throws {
        var simulator = SimulatorConfiguration.callCenter(agents: 2)
        simulator.agents = ["1001": .answers(after: 0.2, talk: 1), "1002": .answers(after: 0.6, talk: 1)]
        simulator.talkTimeVariation = 0
        simulator.mixMonitorReplyDelays = [5]
        let configuration = CallLogConfiguration(recordingDirectory: "/var/spool/asterisk/monitor/calldesk")
        try await DaemonHarness.run(engine, simulator: simulator, callLog: configuration) { daemon in
            let rang = Mutex<[String: ContinuousClock.Instant]>([:])
            await daemon.pbx.observe { message in
                if message.eventName == "AgentCalled", let member = message["MemberName"], let call = message["Linkedid"] {
                    rang.withLock { $0["\(call)/\(member)"] = .now }
                }
            }
            let (pop, popped) = try await daemon.withPops(token: daemon.bob.token) { reader in
                daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
                try await daemon.waitUntil("the first call answered") { try await daemon.calls().first?.answerAt != nil }
                // The first call's MixMonitor answer is now held back for 5 s; a second caller rings the free agent.
                daemon.pbx.placeInboundCall(callerNumber: "13900139000", callerName: "", patience: 60)
                var pop = try await reader.next()
                // The second caller is the unknown one (an agent sees the known caller's number masked).
                while pop.event != .ringing || !pop.newCaller { pop = try await reader.next() }
                return (pop, ContinuousClock.now)
            }
            let rangAt = try #require(rang.withLock { $0["\(pop.callID)/Agent1002"] })
            #expect(popped - rangAt < .seconds(2), "the pop came \(popped - rangAt) after the agent's phone rang")
            let calls = try await daemon.endedCalls(2, timeout: .seconds(20))
            let first = try #require(calls.first { $0.caller == DaemonHarness.knownNumber })
            #expect(first.recording == "/var/spool/asterisk/monitor/calldesk/main-\(first.linkedID).wav")
        }
    }
}
