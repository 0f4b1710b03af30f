import AMI
import ArgumentParser
import CRM
import DaemonFixture
import Workflows
import Foundation
import HummingbirdWSClient
import PBXSimulator
import Synchronization

/// Screen-pop latency: from the moment the simulated PBX writes AgentCalled to its AMI socket to
/// the moment the agent's WebSocket client has the pop, with a large CRM behind the lookup.
struct PopBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pop", abstract: "p50/p99 of AgentCalled → screen-pop on the agent's WebSocket.")

    @Option(help: "Customers to seed") var customers = 1_000_000
    @Option(help: "Calls to time") var calls = 2_000
    @Option(help: "Agents (each with a WebSocket open)") var agents = 20
    @Option(help: "Milliseconds between calls") var gap = 10
    @Option(help: "sqlite, postgres or both") var engine = "both"
    @Option(help: "Seconds between the inbound channel and Queue() (Answer() waiting for media: 0.5 s in the captures)")
    var mediaWait = 0.5

    func run() async throws {
        try await BenchDatabase.forEach(engine) { name, store in
            let seedStart = ContinuousClock.now
            _ = try await LookupBench.parse(["--customers", String(customers)]).seed(store)
            print("[\(name)] pop: seeded \(customers) customers in \(String(format: "%.1f", (ContinuousClock.now - seedStart).seconds)) s")
            var tokens: [String] = []
            for index in 0..<agents {
                tokens.append(try await store.addUser(name: "agent\(1001 + index)", role: .agent, extension: String(1001 + index)).token)
            }
            var simulator = SimulatorConfiguration.callCenter(agents: agents)
            simulator.queues[0].strategy = "rrmemory"
            simulator.queues[0].ringTimeout = 600
            simulator.defaultAgent = .neverAnswers
            simulator.answerMediaWait = mediaWait
            try await DaemonFixture.run(store: store, simulator: simulator) { [tokens] daemon in
                try await measure(daemon, tokens: tokens, engine: name)
            }
        }
    }

    private func measure(_ daemon: DaemonFixture, tokens: [String], engine: String) async throws {
        let record = PopRecord()
        await daemon.pbx.observe { message in
            guard message.eventName == "AgentCalled", let linked = message["Linkedid"] else { return }
            let now = ContinuousClock.now
            record.sent.withLock { $0[linked] = now }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for token in tokens {
                group.addTask {
                    try await WebSocketClient.connect(url: "ws://127.0.0.1:\(daemon.httpPort)/v1/agents/me/events?token=\(token)",
                                                      logger: BenchDatabase.logger) { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            let received = ContinuousClock.now
                            guard case .text(let text) = message, text.contains("\"event\":\"ringing\""),
                                  let pop = try? PopRecord.decoder.decode(ScreenPop.self, from: Data(text.utf8)),
                                  let start = record.sent.withLock({ $0.removeValue(forKey: pop.callID) }) else { continue }
                            record.samples.withLock { $0.append(received - start) }
                            if !pop.customers.isEmpty { record.hits.withLock { $0 += 1 } }
                        }
                    }
                }
            }
            while daemon.hub.connectedAgents.count < tokens.count { try await Task.sleep(for: .milliseconds(20)) }
            // Warm-up calls, then the timed ones: nine in ten from known customers, as trunks send them.
            var generator = SystemRandomNumberGenerator()
            for index in 0..<(calls + 100) {
                if index == 100 { record.samples.withLock { $0.removeAll() }; record.hits.withLock { $0 = 0 } }
                let known = index % 10 != 9
                let number = known ? "0" + String(LookupBench.mobile(Int.random(in: 0..<customers, using: &generator)).dropFirst(3))
                                   : "15\(String(format: "%09d", Int.random(in: 0..<999_999_999, using: &generator)))"
                daemon.pbx.placeInboundCall(callerNumber: number, callerName: "", patience: 1)
                try await Task.sleep(for: .milliseconds(gap))
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while record.samples.withLock({ $0.count }) < calls, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            group.cancelAll()
        }
        let measured = record.samples.withLock { $0 }
        guard !measured.isEmpty else {
            throw ValidationError("no pop arrived (\(record.sent.withLock { $0.count }) AgentCalled unanswered); is the daemon popping?")
        }
        print("[\(engine)] pop: AgentCalled written → pop received on the agent's WebSocket: \(LatencySummary(samples: measured)) "
            + "(\(record.hits.withLock { $0 }) with a customer card, \(tokens.count) agents connected, "
            + "\(Int(mediaWait * 1000)) ms from the inbound channel to Queue())")
        // The daemon's own view: from the event's arrival to the card handed to the agent's connections.
        let buckets = PopHistogram.describe(PopHistogram.counts(daemon.metricLines("calldesk_screen_pop_seconds_bucket").map { $0[...] }))
        print("[\(engine)] pop: inside the daemon (calldesk_screen_pop_seconds, cumulative): " + buckets)
    }
}

/// What the pop benchmark collects from several tasks at once.
final class PopRecord: Sendable {
    let sent = Mutex<[String: ContinuousClock.Instant]>([:])
    let samples = Mutex<[Duration]>([])
    let hits = Mutex(0)

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
