import AMI
import Foundation
import Testing
import Vocabulary
@testable import Workflows

@Suite("Call coordinator: decisions on plain values")
struct CallCoordinatorTests {
    @Test("a pop waits for its caller's lookup, then goes out with the card")
    func popWaitsForItsLookup() throws {
        var script = CoordinatorScript()
        script.newInboundCall("1.1", number: "13800138000")
        #expect(script.lookups == [.init(callID: "1.1", number: "13800138000")])
        script.ring("1.1", agent: "1001")
        #expect(script.published.isEmpty)
        script.answer(script.lookups[0], with: .known("13800138000", customer: 7, name: "李雷"))
        let pop = try #require(script.published.first)
        #expect(pop.agentID == 1 && pop.pop.event == .ringing && pop.pop.customers.map(\.id) == [7] && pop.pop.e164 == "+8613800138000")
    }

    @Test("a call whose lookup is slow holds up no other call's pop")
    func otherCallsAreNotHeld() throws {
        var script = CoordinatorScript()
        script.newInboundCall("1.1", number: "13800138000")
        script.newInboundCall("2.1", number: "13900139000")
        script.answer(script.lookups[1], with: .known("13900139000", customer: 8, name: "韩梅梅"))
        script.ring("1.1", agent: "1001")
        let actions = script.ring("2.1", agent: "1002")
        let pops = actions.compactMap { if case .publish(let pop, let agent, _) = $0 { (pop.callID, agent) } else { nil } }
        #expect(pops.count == 1 && pops.first?.0 == "2.1" && pops.first?.1 == 2)
        #expect(!script.published.contains { $0.pop.callID == "1.1" })
    }

    @Test("messages held behind a lookup reach each agent in order: ringing, then answered")
    func heldMessagesKeepTheirOrder() {
        var script = CoordinatorScript()
        script.newInboundCall("1.1", number: "13800138000")
        script.ring("1.1", agent: "1001")
        script.ring("1.1", agent: "1002")
        script.connect("1.1", agent: "1001")
        #expect(script.published.isEmpty)
        script.answer(script.lookups[0], with: .known("13800138000", customer: 7, name: "李雷"))
        let toAlice = script.published.filter { $0.agentID == 1 }.map(\.pop.event)
        let toBob = script.published.filter { $0.agentID == 2 }.map(\.pop.event)
        #expect(toAlice == [.ringing, .answered] && toBob == [.ringing, .answered])
        #expect(script.published.last?.pop.answeredBy == "1001")
    }

    @Test("a pop held past its limit goes out without the cards")
    func heldPopExpires() {
        var script = CoordinatorScript()
        script.newInboundCall("1.1", number: "13800138000")
        script.ring("1.1", agent: "1001")
        script.advance(.milliseconds(500))
        #expect(script.published.isEmpty)
        script.advance(.seconds(2))
        #expect(script.published.map(\.pop.event) == [.ringing] && script.published.first?.pop.customers == [])
    }

    @Test("a pop sent without its card (the hold ran out) gets the card when the lookup answers, while the phone rings; not after")
    func lateCardFollows() {
        var script = CoordinatorScript()
        script.newInboundCall("1.1", number: "13800138000")
        script.ring("1.1", agent: "1001")
        script.advance(.seconds(3))
        script.answer(script.lookups[0], with: .known("13800138000", customer: 7, name: "李雷"))
        #expect(script.published.map(\.pop.event) == [.ringing, .ringing])
        #expect(script.published.map(\.pop.customers.count) == [0, 1] && script.published.last?.pop.customers.first?.name == "李雷")
        // A call answered before its late lookup: no ringing pop goes out again.
        var answered = CoordinatorScript()
        answered.newInboundCall("2.1", number: "13900139000")
        answered.ring("2.1", agent: "1001")
        answered.advance(.seconds(3))
        answered.connect("2.1", agent: "1001")
        answered.answer(answered.lookups[0], with: .known("13900139000", customer: 8, name: "韩梅梅"))
        #expect(answered.published.map(\.pop.event) == [.ringing, .answered])
    }

    @Test("MixMonitor is asked for at answer without waiting; the call's final write waits for its answer")
    func finalWriteWaitsForRecording() throws {
        var script = CoordinatorScript(configuration: CallLogConfiguration(recordingDirectory: "/rec"))
        script.newInboundCall("1.1", number: "13800138000")
        script.answer(script.lookups[0], with: .known("13800138000", customer: 7, name: "李雷"))
        script.ring("1.1", agent: "1001")
        script.connect("1.1", agent: "1001")
        #expect(script.actions.contains(.startRecording(callID: "1.1", channel: "PJSIP/trunk-1.1", path: "/rec/main-1.1.wav")))
        script.hangup("1.1", agents: ["1001"])
        #expect(!script.writes.contains { $0.status == .ended })
        script.feed(.recordingStarted(callID: "1.1", path: "/rec/main-1.1.wav"))
        let final = try #require(script.writes.last)
        #expect(final.status == .ended && final.result == .answered && final.recording == "/rec/main-1.1.wav" && final.customerIDs == [7])
        #expect(script.heldCalls == 0)
    }

    @Test("a final write held past its limit goes out at the next tick, and a late answer changes nothing")
    func heldFinalExpires() throws {
        var script = CoordinatorScript(configuration: CallLogConfiguration(recordingDirectory: "/rec"))
        script.newInboundCall("1.1", number: "13800138000")
        script.answer(script.lookups[0], with: .known("13800138000", customer: 7, name: "李雷"))
        script.connect("1.1", agent: "1001")
        script.hangup("1.1", agents: ["1001"])
        script.advance(.seconds(16))
        let final = try #require(script.writes.last)
        #expect(final.status == .ended && final.recording == nil)
        #expect(script.feed(.recordingStarted(callID: "1.1", path: "/rec/main-1.1.wav")).isEmpty)
    }

    @Test("a finished call waits for its lookup, so its callback goes to the customer's owner")
    func finalWaitsForLookup() throws {
        var script = CoordinatorScript()
        script.newInboundCall("1.1", number: "13800138000")
        script.hangup("1.1")
        #expect(!script.writes.contains { $0.status == .ended })
        script.answer(script.lookups[0], with: .known("13800138000", customer: 7, name: "李雷"))
        let final = try #require(script.writes.last)
        #expect(final.status == .ended && final.result == .noAnswer && final.customerIDs == [7])
        #expect(script.actions.contains(.callEnded(direction: .inbound, result: .noAnswer, blind: false)))
    }

    @Test("a tick looks only at the calls holding something: the side lists follow holds, lookups and ends among calls that hold nothing")
    func ticksSeeOnlyHoldingCalls() {
        var script = CoordinatorScript()
        for index in 1...50 { script.newInboundCall("\(index).1", number: "1380013\(String(format: "%04d", index))") }
        #expect(script.coordinator.pendingLookups == 50 && script.coordinator.calls.holding.isEmpty)
        for lookup in script.lookups.dropFirst(2) { script.answer(lookup, with: .known(lookup.number, customer: 7, name: "李雷")) }
        #expect(script.coordinator.pendingLookups == 2 && script.coordinator.calls.holding.isEmpty)
        script.ring("1.1", agent: "1001")
        script.hangup("2.1")
        script.ring("3.1", agent: "1002")
        #expect(script.coordinator.calls.holding == ["1.1", "2.1"], "a ring and an end wait for their lookups; 3.1's pop went out")
        script.answer(script.lookups[0], with: .known(script.lookups[0].number, customer: 7, name: "李雷"))
        #expect(script.coordinator.calls.holding == ["2.1"] && script.coordinator.pendingLookups == 1)
        script.advance(.seconds(16))
        #expect(script.coordinator.calls.holding.isEmpty && script.coordinator.calls["2.1"] == nil, "the held final went out at its limit")
        #expect(script.coordinator.pendingLookups == 0 && script.coordinator.calls.count == 49)
    }

    @Test("a call ringing 200 agents behind a slow lookup holds every ring, then each agent gets one card")
    func manyRingsHeldBehindOneLookup() throws {
        var script = CoordinatorScript(agents: CoordinatorScript.team(of: 200))
        script.newInboundCall("1.1", number: "13800138000")
        for agent in 1001...1200 { script.ring("1.1", agent: String(agent)) }
        #expect(script.published.isEmpty && script.coordinator.calls["1.1"]?.held.count == 200)
        script.answer(script.lookups[0], with: .known("13800138000", customer: 7, name: "李雷"))
        #expect(script.published.map(\.agentID) == Array(1...200) && script.published.allSatisfy { $0.pop.customers.map(\.id) == [7] })
        #expect(script.coordinator.calls["1.1"]?.held.isEmpty == true && script.coordinator.calls.holding.isEmpty)
    }

    @Test("a call's state taken out to change in place leaves the side lists, and rejoins them when set back")
    func takenStateLeavesAndRejoinsTheSideLists() throws {
        var script = CoordinatorScript()
        script.newInboundCall("1.1", number: "13800138000")
        script.ring("1.1", agent: "1001")
        var calls = script.coordinator.calls
        #expect(calls.lookupsOut == 1 && calls.holding == ["1.1"])
        let state = calls.take("1.1")
        let taken = try #require(state)
        #expect(calls.lookupsOut == 0 && calls.holding.isEmpty && calls["1.1"] == nil && calls.count == 0)
        calls["1.1"] = taken
        #expect(calls.lookupsOut == 1 && calls.holding == ["1.1"] && calls["1.1"]?.held.count == 1)
    }

    @Test("a caller who hangs up while the pop waits: the pop goes out at its limit without the card, the final write still waits for the lookup and carries the customer")
    func abandonedBeforeSlowLookup() throws {
        var script = CoordinatorScript()
        script.newInboundCall("1.1", number: "13800138000")
        script.ring("1.1", agent: "1001")
        script.advance(.seconds(1))
        script.hangup("1.1")
        script.advance(.seconds(2))
        #expect(script.published.first?.pop.customers == [], "the pop went out at its limit")
        #expect(!script.writes.contains { $0.status == .ended }, "the final write waits for the lookup (a loaded CI wrote it without the customer)")
        script.answer(script.lookups[0], with: .known("13800138000", customer: 7, name: "李雷"))
        let final = try #require(script.writes.last)
        #expect(final.status == .ended && final.customerIDs == [7])
        #expect(script.heldCalls == 0)
    }

    @Test("events during a resync wait for the channel listing and are applied after it")
    func eventsWaitForResync() throws {
        var script = CoordinatorScript()
        script.feed(.resyncNeeded(.connected))
        guard case .fetchResync(let generation, .connected)? = script.actions.last else { throw Failure("no listing asked for") }
        script.newInboundCall("1.1", number: "13800138000")
        #expect(script.lookups.isEmpty && script.coordinator.isResyncing)
        script.feed(.resyncFetched(generation: generation, channels: [], stored: [], at: Date()))
        #expect(!script.coordinator.isResyncing)
        #expect(script.lookups == [.init(callID: "1.1", number: "13800138000")])
        #expect(script.coordinator.liveCallCount == 1, "the call that started during the resync is not closed by it")
    }

    @Test("a listing asked for before a newer resync is ignored; a failed one lets events through")
    func staleAndFailedResyncs() throws {
        var script = CoordinatorScript()
        script.feed(.resyncNeeded(.connected))
        script.feed(.resyncNeeded(.overflow))
        script.newInboundCall("1.1", number: "13800138000")
        #expect(script.feed(.resyncFetched(generation: 1, channels: [], stored: [], at: Date())).isEmpty)
        #expect(script.coordinator.isResyncing)
        script.feed(.resyncFailed(generation: 2))
        #expect(!script.coordinator.isResyncing && script.lookups.count == 1)
    }

    @Test("a stop sends everything held: pops without cards and final writes")
    func stoppingReleasesEverything() throws {
        var script = CoordinatorScript(configuration: CallLogConfiguration(recordingDirectory: "/rec"))
        script.newInboundCall("1.1", number: "13800138000")
        script.ring("1.1", agent: "1001")
        script.connect("1.1", agent: "1001")
        script.hangup("1.1", agents: ["1001"])
        script.feed(.stopping)
        #expect(script.published.map(\.pop.event) == [.ringing, .answered, .ended])
        #expect(script.writes.last?.status == .ended && script.heldCalls == 0)
    }
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
