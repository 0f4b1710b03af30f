import CRM
import Workflows
import Foundation
import PBXSimulator
import Synchronization
import TestSupport
import Testing

@Suite("Recording on answer", .timeLimit(.minutes(1)))
struct RecordingTests {
    final class Seen: Sendable {
        let starts = Mutex<[String]>([])
    }

    @Test("with a recording directory, MixMonitor starts on the caller's channel at answer and the file is on the call",
          arguments: [TestEngine.sqlite])
    func mixMonitorOnAnswer(_ engine: TestEngine) async throws {
        var simulator = SimulatorConfiguration.callCenter(agents: 1)
        simulator.defaultAgent = .answers(after: 0.2, talk: 0.5)
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
}
