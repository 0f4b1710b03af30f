import AMI
import Testing

@Suite("Typed AMI events read the real captures' fields")
struct AMITypedEventTests {
    static func messages(_ capture: String) -> [AMIMessage] {
        Fixtures.messages(Fixtures.decode(Fixtures.bytes(capture)))
    }

    @Test("inbound queue call: caller joins, both agents rung, Agent1001 connects and completes")
    func inboundAnswered() throws {
        let messages = Self.messages("set-a/ami-02-inbound-answered.server.txt")
        let join = try #require(messages.lazy.compactMap { $0.as(QueueCallerJoinEvent.self) }.first)
        #expect(join.queue == "hotline" && join.position == 1)
        #expect(join.channel.callerIDNumber == "13800138000")
        #expect(join.channel.callerIDName == "Zhang San")
        let called = messages.compactMap { $0.as(AgentCalledEvent.self) }
        #expect(Set(called.compactMap(\.memberName)) == ["Agent1001", "Agent1002"])
        #expect(called.allSatisfy { $0.agentChannel.name?.hasPrefix("Local/100") == true && $0.interface?.hasSuffix("@agents/n") == true })
        #expect(Set(called.compactMap(\.channel.linkedID)).count == 1)
        let connect = try #require(messages.lazy.compactMap { $0.as(AgentConnectEvent.self) }.first)
        #expect(connect.memberName == "Agent1001" && connect.holdTime != nil && connect.ringTime != nil)
        let complete = try #require(messages.lazy.compactMap { $0.as(AgentCompleteEvent.self) }.first)
        #expect(complete.talkTime != nil && complete.reason != nil)
        let hangups = messages.compactMap { $0.as(HangupEvent.self) }
        #expect(!hangups.isEmpty && hangups.allSatisfy { $0.cause != nil && $0.causeText != nil })
        #expect(messages.contains { $0.as(CdrEvent.self)?.disposition == "ANSWERED" })
        #expect(messages.compactMap { $0.as(NewchannelEvent.self) }.allSatisfy { $0.channel.uniqueID != nil })
        #expect(messages.contains { $0.as(BridgeEnterEvent.self)?.bridgeID != nil })
    }

    @Test("abandoned call: hold time and position of the caller who gave up")
    func abandoned() throws {
        let abandon = try #require(Self.messages("set-a/ami-03-inbound-abandoned.server.txt").lazy.compactMap { $0.as(QueueCallerAbandonEvent.self) }.first)
        #expect(abandon.queue == "hotline")
        #expect(abandon.channel.callerIDNumber == "02188886666")
        #expect((abandon.holdTime ?? 0) >= 3)
        #expect(abandon.originalPosition == 1)
    }

    @Test("originate results: reasons 4, 5, 8, 3 keyed by the recorded ActionIDs")
    func originateReasons() {
        let responses = Self.messages("set-a/ami-04-originate-results.server.txt").compactMap { $0.as(OriginateResponseEvent.self) }
        let byID = Dictionary(uniqueKeysWithValues: responses.map { ($0.actionID ?? "", $0.reason) })
        #expect(byID == ["dial-answer": 4, "dial-busy": 5, "dial-congestion": 8, "dial-noanswer": 3])
    }

    @Test("queue member pause carries the reason; restart capture ends with a restart Shutdown")
    func memberAndSystem() throws {
        let pauses = Self.messages("set-b/ami-03a-abandon-all-paused.server.txt").compactMap { $0.as(QueueMemberPauseEvent.self) }
        #expect(pauses.contains { $0.isPaused && $0.pausedReason == "break" })
        #expect(pauses.contains { !$0.isPaused })
        let shutdown = try #require(Self.messages("set-a/ami-09-restart.server.txt").lazy.compactMap { $0.as(ShutdownEvent.self) }.first)
        #expect(shutdown.isRestart && shutdown.shutdown == "Cleanly")
        #expect(Self.messages("set-a/ami-09-restart.server.txt").contains { $0.as(FullyBootedEvent.self) != nil })
    }

    @Test("a real SIP call: agents are PJSIP devices")
    func pjsip() {
        let called = Self.messages("set-b/ami-10-sip-inbound-queue-answered.server.txt").compactMap { $0.as(AgentCalledEvent.self) }
        #expect(!called.isEmpty)
        #expect(called.allSatisfy { $0.agentChannel.name?.hasPrefix("PJSIP/") == true })
    }

    @Test("a view of the wrong kind is nil")
    func wrongKind() {
        #expect(AMIMessage(["Event": "Hangup"]).as(AgentCalledEvent.self) == nil)
        #expect(AMIMessage(["Response": "Success"]).as(HangupEvent.self) == nil)
    }
}
