import ARI
import Foundation
import Logging
import NIOPosix
import PBXSimulator
import TestSupport
import Testing

/// The ARI client and event client against the simulated PBX's ARI, and the simulator's ARI
/// against the real captures: each channel's events in the same order as Asterisk sent them.
@Suite("The simulated PBX's ARI behaves like the captured Asterisk", .timeLimit(.minutes(3)))
struct SimulatedARITests {
    /// The captures' Asterisk, fast; the captures' customer 558 and agent 1099 stay on the line.
    static func configuration() -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration.standard
        configuration.timeScale = 0.01
        configuration.customers["558"] = .answer(after: 0, talk: 1000)
        configuration.agents["1099"] = .answers(after: 0, talk: 1000)
        return configuration
    }

    /// Events compared with the captures; ChannelVarset of Asterisk's own bookkeeping variables is left out.
    static func signature(_ event: ARIEvent) -> (subject: String, text: String)? {
        func name(_ channel: ARIChannel) -> String {
            channel.name.replacingOccurrences(of: #"-[0-9a-f]{8};"#, with: ";", options: .regularExpression)
        }
        switch event.payload {
        case .stasisStart(let channel, let args): return (name(channel), "StasisStart \(channel.state) \(args)")
        case .stasisEnd(let channel): return (name(channel), "StasisEnd")
        case .channelStateChange(let channel): return (name(channel), "ChannelStateChange \(channel.state)")
        case .channelDestroyed(let channel, let cause, _): return (name(channel), "ChannelDestroyed \(cause)")
        case .channelHangupRequest(let channel, _, _): return (name(channel), "ChannelHangupRequest")
        case .channelVarset(let channel?, let variable, _) where !["STASISSTATUS", "BRIDGEPEER"].contains(variable):
            return (name(channel), "ChannelVarset \(variable)")
        case .dial(let peer, _, let status, _): return (name(peer), "Dial \(status)")
        case .channelEnteredBridge(_, let channel): return (name(channel), "ChannelEnteredBridge")
        case .channelLeftBridge(_, let channel): return (name(channel), "ChannelLeftBridge")
        default: return nil
        }
    }

    static func streams(_ events: [ARIEvent]) -> [String: [String]] {
        events.compactMap(signature).reduce(into: [:]) { $0[$1.subject, default: []].append($1.text) }
    }

    static func captured(_ scenario: String) throws -> [String: [String]] {
        streams(try ARIFixtures.messages("set-b/\(scenario).events.jsonl").map(ARIEvent.decode))
    }

    /// Runs a simulator with its ARI, a REST client and a connected event client; `body` drives the
    /// scenario with `Recorder` and returns once it has seen what it waits for.
    static func withSimulator<T: Sendable>(password: String = "crmd-secret",
                                           _ body: (ARIClient, Recorder) async throws -> T) async throws -> T {
        let pbx = SimulatedPBX(configuration: configuration(), eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        return try await withRunningService({ SimulatedARIServer(pbx: pbx, port: 0, logger: ARIEventClientTests.logger, onRunning: $0) }) { port in
            let client = ARIClient(baseURL: "http://127.0.0.1:\(port)", username: "crmd", password: password)
            let events = ARIEventClient(configuration: ARIEventClientTests.configuration(port: port), logger: ARIEventClientTests.logger)
            let subscription = events.events()
            // The recorder reads the events with a tick between them, so that a wait past its deadline
            // fails then, naming what came, even when no event comes at all.
            let (ticked, input) = AsyncStream.makeStream(of: ARIStreamElement?.self)
            let recorder = Recorder(ticked)
            return try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await events.run() }
                tasks.addTask {
                    for await element in subscription { input.yield(element) }
                    input.finish()
                }
                tasks.addTask {
                    while true {
                        try await Task.sleep(for: .milliseconds(100))
                        input.yield(nil)
                    }
                }
                defer { tasks.cancelAll() }
                try await recorder.waitForConnection()
                // The application is registered a moment after the socket is up (in Asterisk too): a call
                // routed to it before then would find nobody and hang up. Wait until the REST side knows it.
                if password == "crmd-secret" { try await Self.waitForApplication(client) }
                return try await body(client, recorder)
            }
        }
    }

    static func waitForApplication(_ client: ARIClient) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while (try? await client.application("crmd")) == nil {
            guard ContinuousClock.now < deadline else { throw HarnessFailure("the crmd application was not registered within 10 s of its socket") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test("originate into Stasis with args, caller ID and a variable; the customer hangs up (ari-02a)")
    func originateAnswered() async throws {
        let streams = try await Self.withSimulator { client, recorder in
            let channel = try await client.originate(
                endpoint: "Local/13900139000@customers", target: .application("crmd", args: ["outbound", "campaign-7"]),
                callerID: "\"Hotline\" <4008001234>", timeout: 30, variables: ["CRM_TASK": "task-1"])
            #expect(channel.state == "Down" && channel.caller.number == "4008001234")
            try await recorder.wait { if case .channelDestroyed(let gone, _, _) = $0.payload { gone.id == channel.id } else { false } }
            #expect(try await client.channels().isEmpty)
            return await recorder.streams
        }
        expectSameStreams(streams, try Self.captured("ari-02a-originate-answered"))
    }

    @Test("two legs in a mixing bridge, removed (twice: 422), bridge deleted, both hung up, then 404s (ari-02b)")
    func bridge() async throws {
        let streams = try await Self.withSimulator { client, recorder in
            _ = try await client.originate(endpoint: "Local/558@customers", target: .application("crmd", args: ["customer"]),
                                           callerID: "\"Hotline\" <4008001234>", channelID: "crmd-leg-a", otherChannelID: "crmd-leg-a-2")
            _ = try await client.originate(endpoint: "Local/1099@agents", target: .application("crmd", args: ["agent"]),
                                           channelID: "crmd-leg-b", otherChannelID: "crmd-leg-b-2")
            try await recorder.wait(count: 2) { if case .stasisStart = $0.payload { true } else { false } }
            let bridge = try await client.createBridge(type: "mixing", name: "crmd-call-1")
            #expect(bridge.bridgeType == "mixing" && bridge.name == "crmd-call-1" && bridge.channels.isEmpty)
            try await client.addChannels(["crmd-leg-a", "crmd-leg-b"], to: bridge.id)
            #expect(try await client.bridge(bridge.id).channels == ["crmd-leg-a", "crmd-leg-b"])
            try await client.removeChannel("crmd-leg-a", from: bridge.id)
            let again = await #expect(throws: ARIError.self) { try await client.removeChannel("crmd-leg-a", from: bridge.id) }
            #expect(again?.status == 422 && again?.message == "Channel not in this bridge")
            try await client.deleteBridge(bridge.id)
            try await client.hangup("crmd-leg-a", reason: "normal")
            try await client.hangup("crmd-leg-b", reasonCode: 17)
            let gone = await #expect(throws: ARIError.self) { try await client.hangup("crmd-leg-a") }
            #expect(gone?.status == 404 && gone?.message == "Channel not found")
            let noBridge = await #expect(throws: ARIError.self) { try await client.deleteBridge(bridge.id) }
            #expect(noBridge?.status == 404 && noBridge?.message == "Bridge not found")
            try await recorder.wait(count: 4) { if case .channelDestroyed = $0.payload { true } else { false } }
            return await recorder.streams
        }
        expectSameStreams(streams, try Self.captured("ari-02b-bridge"))
    }

    @Test("an inbound call enters Stasis ringing: ring, answer, variables, playback, hang up; a second one continues (ari-03)")
    func stasisInbound() async throws {
        let streams = try await Self.withSimulator { client, recorder in
            let first = try await client.originate(endpoint: "Local/200@stasis", target: .dialplan(context: "agents", extension: "1099", priority: 1),
                                                   callerID: "\"Li Si\" <13900001111>")
            #expect(first.name.hasSuffix(";1") && first.dialplan?.context == "stasis")
            let inStasis = try await recorder.stasisChannel(number: 1)
            #expect(inStasis.state == "Ring" && inStasis.caller.number == "13900001111")
            try await client.ring(inStasis.id)
            try await client.answer(inStasis.id)
            try await client.setVariable(inStasis.id, "CRM_CUSTOMER_ID", "42")
            #expect(try await client.variable(inStasis.id, "CRM_CUSTOMER_ID") == "42")
            let missing = await #expect(throws: ARIError.self) { try await client.variable(inStasis.id, "NOSUCHVAR") }
            #expect(missing?.status == 404 && missing?.message == "Provided variable was not found")
            let playback = try await client.play(inStasis.id, media: "sound:crmd-beep", playbackID: "crmd-pb-1")
            #expect(playback.id == "crmd-pb-1" && playback.targetUri == "channel:\(inStasis.id)")
            let up = try await client.channel(inStasis.id)
            #expect(up.state == "Up" && up.dialplan?.appName == "Stasis" && up.dialplan?.appData == "crmd,inbound")
            try await client.hangup(inStasis.id)

            _ = try await client.originate(endpoint: "Local/200@stasis", target: .dialplan(context: "agents", extension: "1099", priority: 1),
                                           callerID: "\"Zhao Liu\" <13600003333>")
            let second = try await recorder.stasisChannel(number: 2)
            try await client.answer(second.id)
            try await client.continueInDialplan(second.id)
            try await recorder.wait(count: 2) { if case .stasisEnd = $0.payload { true } else { false } }
            return await recorder.streams
        }
        expectSameStreams(streams, try Self.captured("ari-03-stasis-inbound"))
    }

    @Test("refusals in Asterisk's words: 401, unknown channel, allocation failure, channel not in Stasis, unknown application")
    func refusals() async throws {
        try await Self.withSimulator { client, _ in
            #expect(try await client.channels().isEmpty)
            #expect(try await client.bridges().isEmpty)
            #expect(try await client.application("crmd").name == "crmd")
            let unknownApp = await #expect(throws: ARIError.self) { try await client.application("nobody") }
            #expect(unknownApp?.status == 404 && unknownApp?.message == "Application not found")
            let missing = await #expect(throws: ARIError.self) { try await client.channel("no-such-channel") }
            #expect(missing?.kind == .notFound && missing?.message == "Channel not found")
            let failed = await #expect(throws: ARIError.self) {
                try await client.originate(endpoint: "Foo/bar", target: .application("crmd", args: []))
            }
            #expect(failed?.kind == .serverError && failed?.message == "Allocation failed")
            let outside = try await client.originate(endpoint: "Local/100@hold", target: .dialplan(context: "hold", extension: "s", priority: 1))
            let notInStasis = await #expect(throws: ARIError.self) { try await client.answer(outside.id) }
            #expect(notInStasis?.status == 409 && notInStasis?.message == "Channel not in Stasis application")
            try await client.hangup(outside.id)
        }
        try await Self.withSimulator(password: "wrong-password") { client, _ in
            let refused = await #expect(throws: ARIError.self) { try await client.asteriskInfo() }
            #expect(refused?.kind == .unauthorized && refused?.message == "Authentication required")
        }
    }

    @Test("a call into an application nobody registered hangs up; a recording starts on a channel in Stasis")
    func unregisteredAppAndRecording() async throws {
        try await Self.withSimulator { client, recorder in
            let orphan = try await client.originate(endpoint: "Local/13900139000@customers", target: .application("nobody", args: []))
            let leg = try await client.originate(endpoint: "Local/558@customers", target: .application("crmd", args: ["customer"]))
            try await recorder.wait { if case .stasisStart(let channel, _) = $0.payload { channel.id == leg.id } else { false } }
            let recording = try await client.record(leg.id, name: "call-1")
            #expect(recording.name == "call-1" && recording.state == "recording" && recording.targetUri == "channel:\(leg.id)")
            #expect(try await client.channels().contains { $0.id == orphan.id } == false)
            try await client.hangup(leg.id)
        }
    }
}

/// Collects an event client's events and waits for the ones a scenario needs; a wait fails at its
/// deadline, saying what came (the stream it reads carries a tick, `nil`, every 100 ms).
actor Recorder {
    private var iterator: AsyncStream<ARIStreamElement?>.AsyncIterator
    private var seen: [ARIEvent] = []

    init(_ events: AsyncStream<ARIStreamElement?>) {
        iterator = events.makeAsyncIterator()
    }

    var streams: [String: [String]] { SimulatedARITests.streams(seen) }

    /// The next event or tick (`.some(nil)`), or `nil` when the stream ended.
    private func next() async -> ARIStreamElement?? {
        var iterator = self.iterator
        defer { self.iterator = iterator }
        return await iterator.next(isolation: self)
    }

    func waitForConnection(within timeout: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + timeout
        while let element = await next() {
            if case .connected = element { return }
            guard ContinuousClock.now < deadline else { throw HarnessFailure("the event stream did not connect in \(timeout)") }
        }
        throw HarnessFailure("the event stream ended before it connected")
    }

    /// Reads events until `count` of them (seen so far included) match `condition`.
    func wait(count: Int = 1, within timeout: Duration = .seconds(20), _ condition: @Sendable (ARIEvent) -> Bool) async throws {
        var matched = seen.filter(condition).count
        let deadline = ContinuousClock.now + timeout
        while matched < count {
            // Past the deadline, say what came instead of waiting for the suite's time limit.
            guard ContinuousClock.now < deadline else { throw HarnessFailure("\(count) matching events not seen in \(timeout); saw \(seen.map(\.type))") }
            guard let element = await next() else { throw HarnessFailure("the event stream ended; saw \(seen.map(\.type))") }
            guard let event = element?.event else { continue }
            seen.append(event)
            if condition(event) { matched += 1 }
        }
    }

    /// The channel of the `number`th StasisStart.
    func stasisChannel(number: Int) async throws -> ARIChannel {
        try await wait(count: number) { if case .stasisStart = $0.payload { true } else { false } }
        let starts = seen.compactMap { event -> ARIChannel? in
            if case .stasisStart(let channel, _) = event.payload { channel } else { nil }
        }
        return starts[number - 1]
    }
}

/// Every channel's events came in the order the captured Asterisk sent them.
func expectSameStreams(_ simulated: [String: [String]], _ captured: [String: [String]], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(!captured.isEmpty, sourceLocation: sourceLocation)
    #expect(Set(simulated.keys) == Set(captured.keys), sourceLocation: sourceLocation)
    for (channel, events) in captured.sorted(by: { $0.key < $1.key }) {
        let mine = simulated[channel] ?? []
        #expect(mine == events, "\(channel)\nsimulated:\n  \(mine.joined(separator: "\n  "))\ncaptured:\n  \(events.joined(separator: "\n  "))",
                sourceLocation: sourceLocation)
    }
}
