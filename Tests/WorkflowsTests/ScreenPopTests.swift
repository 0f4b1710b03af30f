import AMI
import CRM
import Workflows
import Foundation
import PBXSimulator
import TestSupport
import Testing
import Vocabulary

@Suite("Screen-pop and call log against the simulated PBX", .timeLimit(.minutes(2)))
struct ScreenPopTests {
    /// One hotline agent (1001) who answers after `answerAfter` seconds of a fast clock.
    static func oneAgent(_ behaviour: SimulatorConfiguration.AgentBehaviour = .answers(after: 0.5, talk: 0.5)) -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration.callCenter(agents: 1)
        configuration.defaultAgent = behaviour
        configuration.talkTimeVariation = 0
        configuration.timeScale = 0.5
        return configuration
    }

    @Test("a known caller's card pops on the agent's socket while it rings; one answered record follows", arguments: TestEngine.available)
    func knownCallerPops(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: Self.oneAgent()) { daemon in
            let pops = try await daemon.withPops(token: daemon.alice.token) { reader in
                daemon.pbx.placeInboundCall(callerNumber: "0" + DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
                return [try await reader.next(), try await reader.next(), try await reader.next()]
            }
            #expect(pops.map(\.event) == [.ringing, .answered, .ended])
            let ringing = pops[0]
            // An agent sees a customer's number masked on the socket too (a new caller's stays whole).
            #expect(ringing.e164 == "+86138****8000" && ringing.queue == "hotline" && !ringing.newCaller)
            let card = try #require(ringing.customers.first)
            #expect(card.name == "李雷" && card.grade == .a && card.ownerName == "王芳")
            #expect(card.vehicles.first?.plate == "沪A12345" && card.policies.first?.expiryDate == "2027-01-15")
            #expect(pops[1].answeredBy == "1001")

            let calls = try await daemon.endedCalls(1)
            #expect(calls.count == 1)
            let call = try #require(calls.first)
            #expect(call.linkedID == ringing.callID)
            #expect(call.result == .answered && call.direction == .inbound && call.agentID == daemon.alice.user.id)
            #expect(call.customerIDs == [daemon.knownCustomer] && call.queue == "hotline" && call.endedBy == .hangup)
            #expect(call.ringAt != nil && call.answerAt != nil && call.endAt != nil && call.talkTime != nil)
        }
    }

    @Test("an unknown number pops a new-caller card with the number filled in", arguments: TestEngine.available)
    func unknownCallerPops(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: Self.oneAgent()) { daemon in
            let pop = try await daemon.withPops(token: daemon.alice.token) { reader in
                daemon.pbx.placeInboundCall(callerNumber: "+86 139 0013 9000", callerName: "", patience: 60)
                return try await reader.next()
            }
            #expect(pop.event == .ringing && pop.newCaller && pop.customers.isEmpty && pop.e164 == "+8613900139000")
        }
    }

    @Test("a page that connects while its phone rings gets the pop at once", arguments: TestEngine.available)
    func resentOnConnect(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: Self.oneAgent(.neverAnswers)) { daemon in
            daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
            try await daemon.waitUntil("ringing") { daemon.hub.retainedCount(for: .agent(daemon.alice.user.id)) == 1 }
            // The pop kept for late pages is the newest: on a loaded machine the lookup may outlast the hold
            // (2 s) and the card comes as an update of the same ringing pop.
            let pop = try await daemon.withPops(token: daemon.alice.token) { reader in
                var pop = try await reader.next()
                while pop.event == .ringing && pop.customers.isEmpty { pop = try await reader.next() }
                return pop
            }
            #expect(pop.event == .ringing && pop.customers.first?.name == "李雷")
        }
    }

    @Test("a supervisor may follow an agent's pops; an agent may not follow another's", arguments: TestEngine.available)
    func supervisorFollows(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: Self.oneAgent()) { daemon in
            let pop = try await daemon.withPops(token: daemon.supervisor.token, agent: "1001") { reader in
                daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
                return try await reader.next()
            }
            #expect(pop.event == .ringing)
            await #expect(throws: (any Error).self) {
                try await daemon.withPops(token: daemon.bob.token, agent: "1001") { _ in }
            }
        }
    }

    @Test("an abandoned call from a customer becomes the owner's callback; an unknown caller's goes to the queue's team",
          arguments: TestEngine.available)
    func abandonedCallbacks(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: Self.oneAgent(.neverAnswers)) { daemon in
            daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 1)
            daemon.pbx.placeInboundCall(callerNumber: "13900139000", callerName: "", patience: 1)
            let calls = try await daemon.endedCalls(2)
            #expect(calls.count == 2 && calls.allSatisfy { $0.result == .abandoned })
            #expect(Set(calls.map(\.queuePosition)) == [1, 2])
            try await daemon.waitUntil("two callbacks") { try await daemon.store.openTasks(kind: TaskKind.callback).count == 2 }
            let tasks = try await daemon.store.openTasks(kind: TaskKind.callback)
            let known = try #require(tasks.first { $0.customerId == daemon.knownCustomer })
            #expect(known.ownerId == daemon.alice.user.id && known.phoneE164 == "+8613800138000")
            let unknown = try #require(tasks.first { $0.customerId == nil })
            #expect(unknown.ownerId == nil && unknown.teamId == daemon.alice.user.teamID && unknown.phoneE164 == "+8613900139000")
        }
    }

    @Test("a caller nobody answers leaves a voicemail: one record with the result voicemail, and the owner's callback",
          arguments: TestEngine.available)
    func voicemail(_ engine: TestEngine) async throws {
        var simulator = Self.oneAgent(.neverAnswers)
        simulator.queueWait = 1
        simulator.voicemailAfterQueue = 1
        try await DaemonHarness.run(engine, simulator: simulator) { daemon in
            daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 30)
            let calls = try await daemon.endedCalls(1)
            #expect(calls.count == 1 && calls[0].result == .voicemail && calls[0].queue == "hotline" && calls[0].agentID == nil)
            try await daemon.waitUntil("a callback") { try await !daemon.store.openTasks(kind: TaskKind.callback).isEmpty }
            let task = try #require(try await daemon.store.openTasks(kind: TaskKind.callback).first)
            #expect(task.customerId == daemon.knownCustomer && task.ownerId == daemon.alice.user.id)
            #expect(task.note?.contains("voicemail") == true)
        }
    }

    @Test("a blind transfer on the PBX pops on the new agent and ends the first one's card; one record that both agents see",
          arguments: TestEngine.available)
    func blindTransfer(_ engine: TestEngine) async throws {
        var simulator = Self.oneAgent(.answers(after: 0.2, talk: 30))
        simulator.timeScale = 1
        simulator.agents["1002"] = .answers(after: 0.3, talk: 1.2)
        try await DaemonHarness.run(engine, simulator: simulator) { daemon in
            let (alicePops, bobPops) = try await daemon.withPops(token: daemon.alice.token) { alice in
                try await daemon.withPops(token: daemon.bob.token) { bob in
                    daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
                    let aliceFirst = [try await alice.next(), try await alice.next()]
                    let channels = try await daemon.ami.send(AMIAction("CoreShowChannels")).items.compactMap { $0["Channel"] }
                    let agentPhone = try #require(channels.first { $0.hasPrefix("Local/1001@agents-") && $0.hasSuffix(";2") })
                    await #expect(throws: AMIError.actionFailed(pbx: "main", action: "BlindTransfer", message: "No such channel")) {
                        try await daemon.ami.send(AMIAction("BlindTransfer", ["Channel": "Local/nobody", "Context": "agents", "Exten": "1002"]))
                    }
                    let reply = try await daemon.ami.send(AMIAction("BlindTransfer", ["Channel": agentPhone, "Context": "agents", "Exten": "1002"]))
                    #expect(reply.message["Message"] == "Transfer succeeded")
                    return (aliceFirst + [try await alice.next()], [try await bob.next(), try await bob.next(), try await bob.next()])
                }
            }
            #expect(alicePops.map(\.event) == [.ringing, .answered, .ended])
            #expect(bobPops.map(\.event) == [.ringing, .answered, .ended])
            #expect(bobPops[0].customers.first?.name == "李雷" && bobPops[1].answeredBy == "1002")

            let calls = try await daemon.endedCalls(1)
            #expect(calls.count == 1)
            let call = try #require(calls.first)
            #expect(call.linkedID == bobPops[0].callID && call.result == .answered && call.endedBy == .hangup)
            #expect(call.agentID == daemon.alice.user.id && call.agentIDs == [daemon.alice.user.id, daemon.bob.user.id])
            #expect(call.customerIDs == [daemon.knownCustomer] && (call.talkTime ?? 0) >= 1)
            #expect(call.agentsRung.contains { $0.contains("1001") } && call.agentsRung.contains { $0.contains("1002") })

            // Bob finished the call for a customer he does not own: it is his to see and to log.
            let seen = try await APITests.request(daemon, "/v1/calls/\(call.id)", token: daemon.bob.token)
            #expect(seen.status == 200)
            let logged = try await APITests.request(daemon, "/v1/calls/\(call.id)/outcome", token: daemon.bob.token, method: .POST,
                                                    body: #"{"outcome": "renewal quote sent"}"#)
            #expect(logged.status == 201)
        }
    }
}

@Suite("Agent event sockets that die", .timeLimit(.minutes(3)))
struct DeadSocketTests {
    @Test("a socket closed with a TCP reset leaves no subscription behind", arguments: [TestEngine.sqlite])
    func resetSocketUnsubscribes(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: .callCenter(agents: 1)) { daemon in
            let socket = try RawSocket(port: daemon.httpPort)
            try socket.send("GET /v1/agents/me/events?token=\(daemon.alice.token) HTTP/1.1\r\nHost: 127.0.0.1:\(daemon.httpPort)\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            #expect(try socket.receive().hasPrefix("HTTP/1.1 101"))
            try await daemon.waitUntil("subscribed") { daemon.hub.subscriptionCount == 1 }
            socket.reset()
            try await daemon.waitUntil("the reset socket's subscription is gone") { daemon.hub.subscriptionCount == 0 }
        }
    }
}
