import ARI
import Testing

@Suite("ARI events from a real Asterisk")
struct ARIEventTests {
    @Test("every recorded event message decodes", arguments: ARIFixtures.eventFiles)
    func allDecode(_ file: String) throws {
        let messages = ARIFixtures.messages(file)
        #expect(!messages.isEmpty)
        for message in messages {
            let event = try ARIEvent.decode(message)
            #expect(event.application == "crmd")
            #expect(event.timestamp != nil)
        }
    }

    @Test("Stasis inbound: StasisStart carries the dialplan's args; the call ends with ChannelDestroyed and StasisEnd")
    func stasisInbound() throws {
        let events = try ARIFixtures.messages("ari-03-stasis-inbound.events.jsonl").map(ARIEvent.decode)
        let start = try #require(events.lazy.compactMap { event -> (ARIChannel, [String])? in
            if case .stasisStart(let channel, let args) = event.payload { (channel, args) } else { nil }
        }.first)
        #expect(start.1 == ["inbound"])
        #expect(start.0.dialplan?.context == "stasis")
        #expect(events.contains { if case .stasisEnd = $0.payload { true } else { false } })
        #expect(events.contains { if case .channelStateChange(let channel) = $0.payload { channel.state == "Up" } else { false } })
    }

    @Test("originate and bridge: variables, bridge membership, destroy causes")
    func originateBridge() throws {
        let events = try ARIFixtures.messages("ari-02-originate-bridge.events.jsonl").map(ARIEvent.decode)
        #expect(events.contains { if case .channelVarset(_, "CALLDESK_TASK", "task-42") = $0.payload { true } else { false } })
        #expect(events.contains { if case .channelEnteredBridge(let bridge, _) = $0.payload { bridge.bridgeType == "mixing" } else { false } })
        #expect(events.contains { if case .channelLeftBridge = $0.payload { true } else { false } })
        let destroyed = events.compactMap { event -> Int? in
            if case .channelDestroyed(_, let cause, _) = event.payload { cause } else { nil }
        }
        #expect(!destroyed.isEmpty)
    }

    @Test("set B: Dial events carry the dial status of the answered call")
    func dialStatus() throws {
        let events = try ARIFixtures.messages("set-b/ari-02a-originate-answered.events.jsonl").map(ARIEvent.decode)
        let statuses = events.compactMap { event -> String? in
            if case .dial(_, _, let status, _) = event.payload { status } else { nil }
        }
        #expect(statuses.contains("ANSWER"))
    }

    @Test("garbage is a typed decoding error, not a crash", arguments: ["", "{", "[]", #"{"timestamp":"x"}"#, #"{"type":"StasisStart"}"#])
    func garbage(_ text: String) {
        #expect(throws: ARIEventDecodingError.self) { try ARIEvent.decode(text) }
    }

    @Test("unknown event types decode as .other")
    func unknownType() throws {
        let event = try ARIEvent.decode(#"{"type":"PlaybackStarted","timestamp":"t","application":"crmd"}"#)
        #expect(event.payload == .other)
        #expect(event.type == "PlaybackStarted")
    }
}
