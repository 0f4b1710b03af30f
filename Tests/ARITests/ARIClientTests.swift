import ARI
import Logging
import PBXSimulator
import Testing

@Suite("ARI REST client against a real Asterisk's recorded answers")
struct ARIClientTests {
    static func withReplay<T: Sendable>(_ scenario: String, password: String = "crmd-secret",
                                        _ body: (ARIClient, ARIHTTPReplayServer) async throws -> T) async throws -> T {
        let server = try await ARIHTTPReplayServer.start(exchanges: ARIFixtures.exchanges(scenario))
        let client = ARIClient(baseURL: server.baseURL, username: "crmd", password: password)
        do {
            let result = try await body(client, server)
            await server.close()
            return result
        } catch {
            await server.close()
            throw error
        }
    }

    @Test("basics: asterisk info, empty lists; 401, 404, 500 as typed errors with Asterisk's message")
    func basics() async throws {
        try await Self.withReplay("ari-01-rest-basics") { client, _ async throws in
            #expect(try await client.asteriskInfo().system?.version == "GIT-master-f0c1c1a7b7")
            #expect(try await client.channels().isEmpty)
            #expect(try await client.endpoints().isEmpty)
            #expect(try await client.bridges().isEmpty)
            let missing = await #expect(throws: ARIError.self) { try await client.channel("no-such-channel") }
            #expect(missing?.kind == .notFound && missing?.message == "Channel not found")
            let failed = await #expect(throws: ARIError.self) {
                try await client.originate(endpoint: "Foo/bar", target: .application("crmd", args: []))
            }
            #expect(failed?.kind == .serverError && failed?.message == "Allocation failed")
        }
        try await Self.withReplay("ari-01-rest-basics", password: "wrong-password") { client, _ async throws in
            let refused = await #expect(throws: ARIError.self) { try await client.asteriskInfo() }
            #expect(refused?.kind == .unauthorized && refused?.message == "Authentication required")
            #expect(refused.map { "\($0)" }?.contains("wrong-password") == false)
        }
    }

    @Test("originate into the Stasis app with args, caller ID, timeout and variables")
    func originate() async throws {
        try await Self.withReplay("ari-02a-originate-answered") { client, server async throws in
            let channel = try await client.originate(
                endpoint: "Local/13900139000@customers", target: .application("crmd", args: ["outbound", "campaign-7"]),
                callerID: "\"Hotline\" <4008001234>", timeout: 30, variables: ["CRM_TASK": "task-1"])
            #expect(channel.id == "1795375736.52")
            #expect(channel.name.hasPrefix("Local/13900139000@customers-"))
            #expect(server.requests.last?.hasPrefix("POST /ari/channels?endpoint=Local%2F13900139000%40customers&app=crmd") == true)
            let live = try await client.channels()
            #expect(live.first?.state == "Up")
        }
    }

    @Test("a mixing bridge: create, add both legs, remove one (twice: 422), delete, hang up, 404 afterwards")
    func bridge() async throws {
        try await Self.withReplay("ari-02b-bridge") { client, _ async throws in
            let a = try await client.originate(endpoint: "Local/558@customers", target: .application("crmd", args: ["customer"]),
                                               callerID: "\"Hotline\" <4008001234>", channelID: "crmd-leg-a", otherChannelID: "crmd-leg-a-2")
            #expect(a.id == "crmd-leg-a")
            let bridge = try await client.createBridge(type: "mixing", name: "crmd-call-1")
            #expect(bridge.bridgeType == "mixing")
            try await client.addChannels(["crmd-leg-a", "crmd-leg-b"], to: bridge.id)
            #expect(Set(try await client.bridge(bridge.id).channels).count == 2)
            try await client.removeChannel("crmd-leg-a", from: bridge.id)
            let again = await #expect(throws: ARIError.self) { try await client.removeChannel("crmd-leg-a", from: bridge.id) }
            #expect(again?.status == 422 && again?.kind == .badRequest && again?.message == "Channel not in this bridge")
            try await client.deleteBridge(bridge.id)
            try await client.hangup("crmd-leg-a", reason: "normal")
            await #expect(throws: ARIError.self) { try await client.hangup("crmd-leg-a") }
            let gone = await #expect(throws: ARIError.self) { try await client.deleteBridge(bridge.id) }
            #expect(gone?.kind == .notFound && gone?.message == "Bridge not found")
        }
    }

    @Test("a Stasis call: ring, answer, set and read a variable, a missing variable is 404, hang up")
    func stasisCall() async throws {
        try await Self.withReplay("ari-03-stasis-inbound") { client, _ async throws in
            let channel = try await client.originate(endpoint: "Local/200@stasis",
                                                     target: .dialplan(context: "agents", extension: "1099", priority: 1),
                                                     callerID: "\"Li Si\" <13900001111>")
            #expect(channel.id == "1795375756.58")
            let inStasis = "1795375756.59"
            try await client.ring(inStasis)
            try await client.answer(inStasis)
            try await client.setVariable(inStasis, "CRM_CUSTOMER_ID", "42")
            #expect(try await client.variable(inStasis, "CRM_CUSTOMER_ID") == "42")
            let missing = await #expect(throws: ARIError.self) { try await client.variable(inStasis, "NOSUCHVAR") }
            #expect(missing?.kind == .notFound)
            #expect(try await client.channel(inStasis).state == "Up")
            try await client.hangup(inStasis)
        }
    }

    @Test("a refused connection is a transport error")
    func refused() async {
        let client = ARIClient(baseURL: "http://127.0.0.1:1", username: "crmd", password: "x", timeout: .seconds(2))
        let error = await #expect(throws: ARIError.self) { try await client.channels() }
        #expect(error?.kind == .transport)
    }
}
