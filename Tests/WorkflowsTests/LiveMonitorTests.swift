import CRM
import Foundation
import PBXSimulator
import Synchronization
import Testing
import TestSupport
import Workflows

/// The live queue and agent monitor against the simulated PBX: state from `QueueStatus` and events,
/// today's figures from the call log, pushed on `/v1/live` and read at `/v1/monitor`, and the
/// supervisor's actions on the PBX, each audited.
@Suite("Live monitor: queues, agents, pauses")
struct LiveMonitorTests {
    static var simulator: SimulatorConfiguration {
        var configuration = SimulatorConfiguration.callCenter(agents: 1)
        configuration.defaultAgent = .answers(after: 1.5, talk: 0.5)
        configuration.timeScale = 1
        return configuration
    }

    @Test("a supervisor's wallboard sees the caller wait by name, the agent ring and talk, then today's answer and service level",
          arguments: TestEngine.available)
    func wallboard(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: Self.simulator) { daemon in
            try await daemon.withPops(token: daemon.supervisor.token, path: "/v1/live") { live in
                let start = try await live.first("the hotline board") { $0["event"] as? String == "queue" && $0["queue"] as? String == "hotline" }
                #expect((start["callers"] as? [Any])?.isEmpty == true && start["members"] as? Int == 1)
                daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "LI LEI", patience: 60)
                // The name comes from the CRM in a child task: before or after the agent starts ringing.
                let seen = Mutex<(number: String?, waitShown: Bool, ringingUser: Int?, ringingCaller: String?)>((nil, false, nil, nil))
                _ = try await live.first("the caller waiting by name and the agent ringing") { message in
                    seen.withLock { seen in
                        if message["event"] as? String == "queue", let caller = (message["callers"] as? [[String: Any]])?.first,
                           caller["name"] as? String == "李雷" {
                            seen.number = caller["number"] as? String
                            seen.waitShown = message["longestWaitSince"] != nil
                        }
                        if message["event"] as? String == "agent", message["state"] as? String == "ringing" {
                            (seen.ringingUser, seen.ringingCaller) = (message["userId"] as? Int, message["caller"] as? String)
                        }
                        return seen.number != nil && seen.ringingUser != nil
                    }
                }
                let found = seen.withLock { $0 }
                #expect(found.number == DaemonHarness.knownNumber && found.waitShown)
                #expect(found.ringingUser == daemon.alice.user.id && found.ringingCaller == DaemonHarness.knownNumber)
                let talking = try await live.first("the agent on the call") { $0["event"] as? String == "agent" && $0["state"] as? String == "on_call" }
                #expect(talking["queue"] as? String == "hotline")
                let counted = try await live.first("today's answered call", within: .seconds(15)) {
                    $0["event"] as? String == "queue" && (($0["figures"] as? [String: Any])?["answered"] as? Int) == 1
                }
                let figures = try #require(counted["figures"] as? [String: Any])
                #expect(figures["serviceLevel"] as? Double == 1 && figures["thresholdSeconds"] as? Int == 20)
                #expect((figures["formula"] as? String)?.contains("abandoned after threshold") == true)
            }
            // An agent's own view: their state, no queue and no one else.
            let mine = try await APIClient(port: daemon.httpPort).send("/v1/monitor", token: daemon.bob.token).json()
            #expect((mine["queues"] as? [Any])?.isEmpty == true && (mine["agents"] as? [Any])?.isEmpty == true)
            #expect((mine["pauseCodes"] as? [[String: Any]])?.contains { $0["code"] as? String == "lunch" } == true)
        }
    }

    @Test("an agent pauses with a reason code and unpauses; others cannot; a supervisor adds and removes a member; each is audited",
          arguments: TestEngine.available)
    func pausesAndMembers(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: Self.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let alice = daemon.alice.user.id
            @Sendable func state(_ user: Int) async throws -> (String?, String?) {
                let agents = try await api.send("/v1/monitor", token: daemon.supervisor.token).json()["agents"] as? [[String: Any]] ?? []
                let agent = agents.first { $0["userId"] as? Int == user }
                return (agent?["state"] as? String, agent?["reason"] as? String)
            }
            try await daemon.waitUntil("alice in the monitor") { try await state(alice).0 == "available" }
            let bad = try await api.send("/v1/agents/\(alice)/pause", token: daemon.alice.token, method: .POST, body: #"{"paused": true, "reason": "nap"}"#)
            #expect(try bad.status == 400 && (bad.json()["field"] as? String) == "reason")
            #expect(try await api.send("/v1/agents/\(alice)/pause", token: daemon.bob.token, method: .POST,
                                       body: #"{"paused": true, "reason": "lunch"}"#).status == 404)
            #expect(try await api.send("/v1/agents/\(alice)/pause", token: daemon.alice.token, method: .POST,
                                       body: #"{"paused": true, "reason": "lunch"}"#).status == 204)
            try await daemon.waitUntil("alice paused") { try await state(alice) == ("paused", "lunch") }
            #expect(try await api.send("/v1/agents/\(alice)/pause", token: daemon.supervisor.token, method: .POST, body: #"{"paused": false}"#).status == 204)
            try await daemon.waitUntil("alice back") { try await state(alice).0 == "available" }
            // CallDesk keeps its own record of pauses: today's pause time survives restarts of Asterisk and CallDesk.
            try await daemon.waitUntil("the pause on record") {
                try await daemon.store.pauseDay(since: Date().addingTimeInterval(-3600)).keys.contains(alice)
            }
            let pauses = try await daemon.store.auditTrail(entity: "user", id: alice).filter { ["pause", "unpause"].contains($0.action) }
            #expect(pauses.map(\.action) == ["pause", "unpause"] && pauses.map(\.actorId) == [alice, daemon.supervisor.user.id])

            let bob = daemon.bob.user.id
            let body = #"{"userId": \#(bob)}"#
            #expect(try await api.send("/v1/queues/hotline/members", token: daemon.alice.token, method: .POST, body: body).status == 403)
            #expect(try await api.send("/v1/queues/renewal/members", token: daemon.supervisor.token, method: .POST, body: body).status == 403)
            #expect(try await api.send("/v1/queues/hotline/members", token: daemon.supervisor.token, method: .POST, body: body).status == 204)
            try await daemon.waitUntil("bob in hotline") { try await state(bob).0 == "available" }
            let again = try await api.send("/v1/queues/hotline/members", token: daemon.supervisor.token, method: .POST, body: body)
            #expect(again.status == 409, "the PBX refuses a member already there: \(again.status) \(again.body)")
            #expect(try await api.send("/v1/queues/hotline/members/\(bob)", token: daemon.supervisor.token, method: .DELETE).status == 204)
            try await daemon.waitUntil("bob out of hotline") { try await state(bob).0 == "logged_out" }
            let moves = try await daemon.store.auditTrail(entity: "user", id: bob).map(\.action)
            #expect(moves.suffix(2) == ["queue_add", "queue_remove"])
        }
    }

    @Test("for a team that follows the console, an agent's console adds her phone to each of the team's queues; closed past the grace, it leaves them",
          arguments: [TestEngine.sqlite])
    func loginFollowsConsole(_ engine: TestEngine) async throws {
        var monitor = MonitorConfiguration()
        monitor.consoleLoginTeams = ["hotline"]
        monitor.consoleGrace = .milliseconds(800)
        monitor.queueTeams = QueueTeams(["vip": "hotline"])
        var simulator = Self.simulator
        simulator.queues.append(.init(name: "vip", members: []))
        try await DaemonHarness.run(engine, simulator: simulator, monitor: monitor) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let bob = daemon.bob.user.id
            @Sendable func queues() async throws -> Set<String>? {
                let agents = try await api.send("/v1/monitor", token: daemon.supervisor.token).json()["agents"] as? [[String: Any]] ?? []
                return (agents.first { $0["userId"] as? Int == bob }?["queues"] as? [String]).map(Set.init)
            }
            #expect(try await queues() == nil, "bob's phone is in no queue before his console opens")
            try await daemon.withPops(token: daemon.bob.token, path: "/v1/live") { _ in
                try await daemon.waitUntil("bob's phone in hotline and vip") { try await queues() == ["hotline", "vip"] }
            }
            try await daemon.waitUntil("bob's phone out of both after the grace") { try await queues()?.isEmpty ?? true }
            let moves = try await daemon.store.auditTrail(entity: "user", id: bob).filter { $0.action.hasPrefix("console_") }
            #expect(moves.map(\.action) == ["console_login", "console_logout"])
            #expect(moves.first?.details?.contains("hotline,vip") == true)
            // The team's supervisor sees and manages the vip queue too; the renewal team's queue stays out of reach.
            let board = try await api.send("/v1/monitor", token: daemon.supervisor.token).json()
            #expect(Set((board["queues"] as? [[String: Any]] ?? []).compactMap { $0["queue"] as? String }) == ["hotline", "vip"])
            let body = #"{"userId": \#(bob)}"#
            #expect(try await api.send("/v1/queues/vip/members", token: daemon.supervisor.token, method: .POST, body: body).status == 204)
            #expect(try await api.send("/v1/queues/renewal/members", token: daemon.supervisor.token, method: .POST, body: body).status == 403)
        }
    }
}

extension LiveMonitorTests {
    @Test("queue events the PBX hides (an eventfilter) are caught by the QueueSummary check: a member added unseen shows after a reload",
          arguments: [TestEngine.sqlite])
    func summaryCatchesHiddenEvents(_ engine: TestEngine) async throws {
        var simulator = Self.simulator
        simulator.hiddenEvents = ["QueueMemberAdded"]
        var monitor = MonitorConfiguration()
        monitor.reconcileInterval = .milliseconds(200)
        try await DaemonHarness.run(engine, simulator: simulator, monitor: monitor) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let bob = daemon.bob.user.id
            @Sendable func state() async throws -> String? {
                let agents = try await api.send("/v1/monitor", token: daemon.supervisor.token).json()["agents"] as? [[String: Any]] ?? []
                return agents.first { $0["userId"] as? Int == bob }?["state"] as? String
            }
            #expect(try await state() == nil)
            #expect(try await api.send("/v1/queues/hotline/members", token: daemon.supervisor.token, method: .POST,
                                       body: #"{"userId": \#(bob)}"#).status == 204)
            try await daemon.waitUntil("bob in hotline, though no QueueMemberAdded came") { try await state() == "available" }
        }
    }
}

extension LiveMonitorTests {
    @Test("a pause that ends shows in today's pause time at once, not at the next figures read", arguments: [TestEngine.sqlite])
    func pauseTimeAtOnce(_ engine: TestEngine) async throws {
        var monitor = MonitorConfiguration()
        monitor.figuresInterval = .seconds(600)
        try await DaemonHarness.run(engine, simulator: Self.simulator, monitor: monitor) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let alice = daemon.alice.user.id
            @Sendable func agent() async throws -> [String: Any]? {
                let agents = try await api.send("/v1/monitor", token: daemon.supervisor.token).json()["agents"] as? [[String: Any]] ?? []
                return agents.first { $0["userId"] as? Int == alice }
            }
            try await daemon.waitUntil("alice in the monitor") { try await agent()?["state"] as? String == "available" }
            #expect(try await api.send("/v1/agents/\(alice)/pause", token: daemon.alice.token, method: .POST,
                                       body: #"{"paused": true, "reason": "break"}"#).status == 204)
            try await daemon.waitUntil("alice paused") { try await agent()?["state"] as? String == "paused" }
            try await Task.sleep(for: .milliseconds(2200))
            #expect(try await api.send("/v1/agents/\(alice)/pause", token: daemon.alice.token, method: .POST, body: #"{"paused": false}"#).status == 204)
            try await daemon.waitUntil("two seconds of pause today") { (try await agent()?["pauseSecondsToday"] as? Int ?? 0) >= 2 }
        }
    }
}
