import AMI
import CRM
import Workflows
import App
import Foundation
import Logging
import NIOPosix
import PBXSimulator
import ServiceLifecycle
import TestSupport
import Synchronization
import Testing
import Vocabulary

@Suite("Call log across dropped links, restarts and a second daemon", .timeLimit(.minutes(2)))
struct CallLogResilienceTests {
    static func agents(_ count: Int, after: Double = 0.2, talk: Double) -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration.callCenter(agents: count)
        configuration.defaultAgent = .answers(after: after, talk: talk)
        configuration.talkTimeVariation = 0
        configuration.timeScale = 1
        return configuration
    }

    @Test("a link dropped mid-call: tracking resumes and the hangup still ends the one record", arguments: TestEngine.available)
    func dropMidCall(_ engine: TestEngine) async throws {
        // Talk long enough that the reconnect comes before the hangup also on a loaded machine.
        try await DaemonHarness.run(engine, simulator: Self.agents(1, talk: 4)) { daemon in
            daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
            try await daemon.waitUntil("answered") { try await daemon.calls().first?.answerAt != nil }
            await daemon.server.dropConnections()
            // Dropped and logged in again (a poll of the link's state can miss a 50 ms outage on a busy machine).
            try await daemon.waitUntil("reconnected") { try await daemon.metricLines().contains(#"calldesk_ami_logins_total{pbx="main"} 2"#) }
            let calls = try await daemon.endedCalls(1)
            #expect(calls.count == 1)
            #expect(calls[0].result == .answered && calls[0].endedBy == .hangup && calls[0].agentID == daemon.alice.user.id)
        }
    }

    @Test("a call that ends while the link is down is closed by the resync at its last sign of life", arguments: TestEngine.available)
    func endsWhileDown(_ engine: TestEngine) async throws {
        // The talk outlasts a busy machine's lag in seeing the answer (≤ 2 s) and ends well before the
        // link is back (the backoff's jitter waits 5 to 10 s).
        try await DaemonHarness.run(engine, simulator: Self.agents(1, talk: 2), reconnectDelay: .seconds(10)) { daemon in
            // The link drops as the PBX sends the answer (not when the busy log has written it): the answer
            // still reaches CallDesk, the hangup 2 s later does not.
            let (answers, answered) = AsyncStream.makeStream(of: Void.self)
            await daemon.pbx.observe { message in if message.eventName == "AgentConnect" { answered.yield() } }
            daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
            var iterator = answers.makeAsyncIterator()
            await iterator.next()
            // As Asterisk restarting: the client backs off (5 to 10 s here). A plain drop after a steady
            // session (over 1 s) reconnects at once, and the hangup would be seen live.
            await daemon.server.restart()
            let calls = try await daemon.endedCalls(1, timeout: .seconds(30))
            #expect(calls.count == 1)
            let call = calls[0]
            #expect(call.endedBy == .resync && call.result == .answered, "\(String(describing: call.endedBy)) \(String(describing: call.result)) ring \(String(describing: call.ringAt)) answer \(String(describing: call.answerAt)) end \(String(describing: call.endAt))")
            #expect(call.endAt != nil && call.endAt! >= call.answerAt!)
            let metrics = try await daemon.metricLines()
            #expect(metrics.contains(#"calldesk_calls_closed_blind_total{pbx="main"} 1"#))
            #expect(metrics.contains(#"calldesk_ami_logins_total{pbx="main"} 2"#))
        }
    }

    @Test("a call left live by a crashed daemon is closed at the next start; live calls are taken up", arguments: TestEngine.available)
    func crashRecovery(_ engine: TestEngine) async throws {
        let lastSeen = Date(timeIntervalSince1970: 1_800_000_030)
        try await DaemonHarness.run(engine, simulator: Self.agents(1, talk: 60), prepare: { store in
            var orphan = CallEntry(pbx: "main", linkedID: "1700000000.1", direction: .inbound, status: .live)
            orphan.caller = "13800138000"
            orphan.ringAt = Date(timeIntervalSince1970: 1_800_000_000)
            orphan.answerAt = Date(timeIntervalSince1970: 1_800_000_005)
            orphan.lastSeenAt = lastSeen
            _ = try await store.recordCall(orphan)
        }) { daemon in
            let calls = try await daemon.endedCalls(1)
            let orphan = try #require(calls.first { $0.linkedID == "1700000000.1" })
            #expect(orphan.endedBy == .recovery && orphan.result == .answered && orphan.endAt == lastSeen)
        }
    }

    @Test("a missed call whose callback a stop cut off gets it at the next start, once", arguments: TestEngine.available)
    func cutOffCallbackFiledAtStart(_ engine: TestEngine) async throws {
        let ended = Date().addingTimeInterval(-600)
        try await DaemonHarness.run(engine, simulator: Self.agents(1, talk: 60), prepare: { store in
            var missed = CallEntry(pbx: "main", linkedID: "1700000100.1", direction: .inbound, status: .ended)
            missed.caller = "013800138000"
            missed.queue = "hotline"
            missed.ringAt = ended.addingTimeInterval(-40)
            missed.endAt = ended
            missed.result = .abandoned
            missed.holdTime = 40
            missed.endedBy = .hangup
            missed.customerIDs = try await store.customers(onNumber: "+8613800138000").map(\.id)
            _ = try await store.recordCall(missed)
            // An old one (beyond a day) and an answered one are left alone.
            var old = missed
            old.linkedID = "1600000000.1"
            old.endAt = ended.addingTimeInterval(-3 * 86_400)
            _ = try await store.recordCall(old)
            var answered = missed
            answered.linkedID = "1700000200.1"
            answered.result = .answered
            _ = try await store.recordCall(answered)
        }) { daemon in
            try await daemon.waitUntil("the cut-off callback") { try await !daemon.store.openTasks(kind: TaskKind.callback).isEmpty }
            let tasks = try await daemon.store.openTasks(kind: TaskKind.callback)
            #expect(tasks.count == 1)
            let task = try #require(tasks.first)
            #expect(task.customerId == daemon.knownCustomer && task.ownerId == daemon.alice.user.id && task.phoneE164 == "+8613800138000")
            #expect(task.note?.contains("missed call (abandoned)") == true && task.note?.contains("waited 40 s") == true)
            let call = try #require(try await daemon.calls().first { $0.linkedID == "1700000100.1" })
            #expect(task.callId == call.id)
        }
    }

    @Test("two daemons on one database record each call once and file one callback", arguments: TestEngine.available)
    func highAvailabilityPair(_ engine: TestEngine) async throws {
        let simulator = Self.agents(2, after: 1.5, talk: 0.2)
        try await DaemonHarness.run(engine, simulator: simulator) { daemon in
            let second = AMIClient(configuration: AMIClientConfiguration(host: "127.0.0.1", port: daemon.server.port,
                                                                         username: "crmd", secret: "crmd-secret"),
                                   logger: DaemonHarness.logger)
            let secondLog = CallLogService(ami: second, store: daemon.store, hub: LiveHub(), logger: DaemonHarness.logger)
            let group = ServiceGroup(configuration: .init(services: [second, secondLog], logger: DaemonHarness.logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await daemon.waitUntil("second daemon connected") { await second.isConnected }
                for index in 0..<4 {
                    daemon.pbx.placeInboundCall(callerNumber: index == 0 ? DaemonHarness.knownNumber : "1390013900\(index)",
                                                callerName: "", patience: index < 2 ? 1 : 60)
                }
                let calls = try await daemon.endedCalls(4, timeout: .seconds(20))
                #expect(calls.count == 4)
                #expect(Set(calls.map(\.linkedID)).count == 4)
                #expect(calls.filter { $0.result == .abandoned }.count == 2)
                try await daemon.waitUntil("callbacks") { try await daemon.store.openTasks(kind: TaskKind.callback).count >= 2 }
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await daemon.store.openTasks(kind: TaskKind.callback).count == 2)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }
}

extension CallLogResilienceTests {
    @Test("a graceful stop writes every call still queued, even while the database is slow", arguments: [TestEngine.sqlite])
    func gracefulStopDrainsWrites(_ engine: TestEngine) async throws {
        let seen = SeenCalls()
        var simulator = SimulatorConfiguration.callCenter(agents: 1)
        simulator.defaultAgent = .neverAnswers
        try await DaemonHarness.run(engine, simulator: simulator, afterShutdown: { store in
            try await seen.blocker.withLock { $0 }?.value
            let logged = try await store.database.withConnection { sql in
                try await sql.select().column("linkedid").from("calls").all(decodingColumn: "linkedid", as: String.self)
            }
            #expect(Set(logged) == seen.ids.withLock { $0 })
            #expect(logged.count == 6)
        }) { daemon in
            await daemon.pbx.observe { message in
                if message.eventName == "Newchannel", let linked = message["Linkedid"] { seen.ids.withLock { _ = $0.insert(linked) } }
            }
            for index in 0..<6 {
                daemon.pbx.placeInboundCall(callerNumber: "1390013900\(index)", callerName: "", patience: 60)
            }
            // SQLite has one connection: holding it in a transaction stalls the call log's writer, so the
            // calls' writes are still queued when the body returns and the graceful stop begins.
            let (begun, began) = AsyncStream.makeStream(of: Void.self)
            seen.blocker.withLock { blocker in
                blocker = Task {
                    try await daemon.store.database.withTransaction { _ in
                        began.yield()
                        try await Task.sleep(for: .milliseconds(800))
                    }
                }
            }
            for await _ in begun { break }
            try await daemon.waitUntil("six calls seen") { seen.ids.withLock { $0.count } == 6 }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

final class SeenCalls: Sendable {
    let ids = Mutex<Set<String>>([])
    /// The task holding the database busy; awaited before the log is read.
    let blocker = Mutex<Task<Void, any Error>?>(nil)
}

extension CallLogResilienceTests {
    @Test("a call taken up after a restart keeps the agent who answered it, not the last agent its queue rang",
          arguments: TestEngine.available)
    func restartKeepsAnsweringAgent(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let alice = try await store.addUser(name: "王芳", role: .agent, extension: "1001", team: "hotline")
            _ = try await store.addUser(name: "赵强", role: .agent, extension: "1002", team: "hotline")
            let supervisor = try await store.addUser(name: "主管", role: .supervisor, team: "hotline")
            // ringall: 1001 and 1002 both ring, in that order; 1001 answers. The talk outlasts a restart
            // on a busy machine (CI saw 2 s and then 6 s run out), so the second daemon sees the hangup itself.
            var simulator = Self.agents(2, talk: 15)
            simulator.agents = ["1001": .answers(after: 0.2, talk: 15), "1002": .neverAnswers]
            let pbx = SimulatedPBX(configuration: simulator, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
            let server = try await SimulatedAMIServer.start(pbx: pbx, port: 0, logger: DaemonHarness.logger)
            let link = AMIClientConfiguration(host: "127.0.0.1", port: server.port, username: "crmd", secret: "crmd-secret",
                                              reconnectBaseDelay: .milliseconds(50))
            @Sendable func call() async throws -> StoredCall? { try await store.calls(CallFilter(), visibleTo: supervisor.user).first }
            @Sendable func waitFor(_ what: String, _ condition: (StoredCall?) -> Bool) async throws {
                let deadline = ContinuousClock.now + .seconds(45)  // two daemons and a restart, on a loaded CI machine
                var seen = try await call()
                while !condition(seen) {
                    guard ContinuousClock.now < deadline else {
                        // What the log held last says which step never came (the answer, the second ring, the end).
                        let last = seen.map { "status \($0.status), answered \($0.answerAt != nil), rung \($0.agentsRung), agents \($0.agentIDs), ended by \($0.endedBy.map { "\($0)" } ?? "-")" }
                        throw HarnessError(message: "timed out waiting for: \(what); the log last held: \(last ?? "no call")")
                    }
                    // Not too often: SQLite has one connection, which the call log's writer needs too.
                    try await Task.sleep(for: .milliseconds(100))
                    seen = try await call()
                }
            }
            do {
                try await CallDeskDaemon.run(store: store, pbxes: [link], logger: DaemonHarness.logger) { daemon, _ in
                    let ami = daemon.amiClients[0]
                    while await !ami.isConnected { try await Task.sleep(for: .milliseconds(20)) }
                    pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
                    try await waitFor("answered, both agents rung") { $0?.answerAt != nil && $0?.agentsRung.count == 2 }
                }
                #expect(try await call()?.status == .live)
                try await CallDeskDaemon.run(store: store, pbxes: [link], logger: DaemonHarness.logger) { _, _ in
                    try await waitFor("ended") { $0?.status == .ended }
                }
            } catch {
                await server.close()
                throw error
            }
            await server.close()
            let ended = try #require(try await call())
            #expect(ended.result == .answered && ended.endedBy == .hangup)
            #expect(ended.agentID == alice.user.id && ended.agentIDs == [alice.user.id])
        }
    }
}
