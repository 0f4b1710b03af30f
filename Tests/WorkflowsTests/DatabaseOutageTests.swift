import AMI
import App
import CRM
import Foundation
import Logging
import NIOPosix
import PBXSimulator
import Synchronization
import Telephony
import TestSupport
import Testing
import Vocabulary
import Workflows

@Suite("Call log across a PostgreSQL outage", .timeLimit(.minutes(2)), .enabled(if: DisposablePostgres.available))
struct DatabaseOutageTests {
    @Test("calls that come and go while PostgreSQL is down, with CallDesk stopped before it is back, are in the log once after the next start")
    func outageAcrossAStop() async throws {
        let server = try DisposablePostgres()
        defer { server.remove() }
        let journalDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-outage-\(UUID().uuidString.prefix(8))").path
        let store = try await CRMStore.open(location: .postgres(url: server.url, schema: nil), normalizer: PhoneNormalizer(plan: .china),
                                            logger: DaemonHarness.logger)
        _ = try await store.addUser(name: "王芳", role: .agent, extension: "1001", team: "hotline")
        var simulator = SimulatorConfiguration.callCenter(agents: 1)
        simulator.defaultAgent = .answers(after: 0.1, talk: 0.2)
        simulator.talkTimeVariation = 0
        let pbx = SimulatedPBX(configuration: simulator, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let ami = try await SimulatedAMIServer.start(pbx: pbx, port: 0, logger: DaemonHarness.logger)
        let callerHangups = Mutex(0)
        await pbx.observe { message in
            if message.eventName == "Hangup", message["Channel"]?.hasPrefix("Local/100@inbound") == true, message["Channel"]?.hasSuffix(";2") == true {
                callerHangups.withLock { $0 += 1 }
            }
        }
        let link = AMIClientConfiguration(host: "127.0.0.1", port: ami.port, username: "crmd", secret: "crmd-secret",
                                          reconnectBaseDelay: .milliseconds(50), reconnectMaxDelay: .milliseconds(200))
        let callLog = CallLogConfiguration(journalDirectory: journalDirectory)
        let supervisor = try await store.addUser(name: "主管", role: .supervisor, team: "hotline").user
        @Sendable func ended() async -> [StoredCall] {
            ((try? await store.calls(CallFilter(limit: 100), visibleTo: supervisor)) ?? []).filter { $0.status == .ended }
        }
        @Sendable func wait(_ what: String, _ condition: @Sendable () async -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(20)
            while await !condition() {
                guard ContinuousClock.now < deadline else { throw HarnessError(message: "timed out waiting for \(what)") }
                try await Task.sleep(for: .milliseconds(50))
            }
        }

        // The stop runs out of time while the database is down: it may end with the group's timeout error.
        _ = try? await CallDeskDaemon.run(store: store, pbxes: [link], callLog: callLog, stopTimeout: .seconds(2), logger: DaemonHarness.logger) { daemon, _ in
            try await wait("AMI connected") { await daemon.amiClients[0].isConnected }
            pbx.placeInboundCall(callerNumber: "13800138000", callerName: "", patience: 60)
            try await wait("the first call in the log") { await ended().count == 1 }
            try server.stop()
            for number in ["13900139000", "13700137000", "13600136000"] {
                pbx.placeInboundCall(callerNumber: number, callerName: "", patience: 60)
            }
            try await wait("three more calls over") { callerHangups.withLock { $0 } == 4 }
            try await Task.sleep(for: .milliseconds(300))
        }
        let journal = try CallLogJournal(directory: journalDirectory, pbx: "main")
        #expect(Set(try journal.entries().entries.filter { $0.status == .ended }.map(\.caller)) == ["13900139000", "13700137000", "13600136000"])

        try server.start()
        _ = try await CallDeskDaemon.run(store: store, pbxes: [link], callLog: callLog, logger: DaemonHarness.logger) { _, _ in
            try await wait("four calls in the log") { await ended().count == 4 }
        }
        let calls = await ended()
        #expect(calls.count == 4 && Set(calls.map(\.linkedID)).count == 4)
        #expect(calls.allSatisfy { $0.result == .answered && $0.endedBy == .hangup && $0.talkTime != nil })
        #expect(try journal.entries().entries.isEmpty)
        await ami.close()
        await store.close()
    }
}
