import AMI
import ArgumentParser
import CRM
import EventLoopExecutors
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HummingbirdWSClient
import Logging
import NIOPosix
import PBXSimulator
import Synchronization
import Workflows

/// A call center at scale: `calldesk serve` in its own process against a simulated PBX with 500
/// agents and 2,500 calls up at once (long talks, a queue of patient callers, a steady stream of new
/// calls), every agent's page connected. Prints the pop's p50 and p99 (AgentCalled written → card on
/// the agent's WebSocket), the daemon's heap (RssAnon) and CPU share over the run.
struct ScaleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scale", abstract: "500 agents, 2,500 calls up: pop p50/p99, heap and CPU of the daemon.")

    @Option(help: "Agents (each with a WebSocket open)") var agents = 500
    @Option(help: "Calls placed at the start, 100 a second") var prime = 2_500
    @Option(help: "New calls per second after that") var rate = 2.0
    @Flag(help: "After the first calls, one new call for each that ends instead of --rate: the calls up stay at --prime, for the heap at one load")
    var hold = false
    @Option(help: "Minutes to measure after the start") var minutes = 10.0
    @Option(help: "Mean talk time in seconds") var talk = 300.0
    @Option(help: "Customers to seed") var customers = 100_000
    @Option(help: "sqlite, postgres or both") var engine = "both"
    @Option(help: "The calldesk executable to run as the daemon") var daemon = ".build/release/calldesk"
    @Flag(help: "The pages read on this process's task pool instead of their sockets' event loops (as before stop 22)")
    var pagesOnPool = false

    func run() async throws {
        try await BenchDatabase.forEach(engine) { name, store in
            _ = try await LookupBench.parse(["--customers", String(customers)]).seed(store)
            var tokens: [String] = []
            for index in 0..<agents {
                tokens.append(try await store.addUser(name: "agent\(1001 + index)", role: .agent, extension: String(1001 + index)).token)
            }
            try await measure(store: store, tokens: tokens, engine: name)
        }
    }

    private func measure(store: CRMStore, tokens: [String], engine: String) async throws {
        var simulator = SimulatorConfiguration.callCenter(agents: agents, answerAfter: 1, talk: talk)
        simulator.queues[0].strategy = "rrmemory"
        simulator.queueWait = 3_600
        // Ids as long as a PBX that has run a while gives: from 10,000 on an id outgrows Swift's inline
        // strings, and a run starting at 0 would see the heap grow as the short-id calls are replaced.
        simulator.firstUniqueSequence = 1_000_000
        let pbx = SimulatedPBX(configuration: simulator, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let server = try await SimulatedAMIServer.start(pbx: pbx, port: 0, logger: BenchDatabase.logger)
        let httpPort = Int.random(in: 20_000...40_000)
        let process = try startDaemon(store: store, amiPort: server.port, httpPort: httpPort)
        defer { if process.isRunning { process.terminate() } }
        try await waitForHealth(port: httpPort)

        let record = PopRecord()
        let ended = CallsEnded()
        await pbx.observe { message in
            ended.count(message)
            guard message.eventName == "AgentCalled", let linked = message["Linkedid"] else { return }
            let now = ContinuousClock.now
            record.sent.withLock { $0[linked] = now }
        }
        let samples = ScaleSamples()
        let start = ContinuousClock.now
        let end = start + .seconds(minutes * 60)
        var bucketsAtSteady: [String: Int]?
        var heap: [(at: Double, megabytes: Double)] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            for token in tokens {
                // Each page reads on its socket's event loop, as a browser reads on its network thread:
                // the time taken is the daemon's and the wire's, not a wake-up of this process's task pool.
                let loop = MultiThreadedEventLoopGroup.singleton.next()
                group.addTask(executorPreference: pagesOnPool ? nil : EventLoopTaskExecutor(loop)) {
                    try await WebSocketClient.connect(url: "ws://127.0.0.1:\(httpPort)/v1/agents/me/events?token=\(token)",
                                                      eventLoopGroup: loop, logger: BenchDatabase.logger) { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            let received = ContinuousClock.now
                            guard case .text(let text) = message, text.contains("\"event\":\"ringing\""),
                                  let pop = try? PopRecord.decoder.decode(ScreenPop.self, from: Data(text.utf8)),
                                  let sent = record.sent.withLock({ $0.removeValue(forKey: pop.callID) }) else { continue }
                            samples.list.withLock { $0.append((received, received - sent)) }
                        }
                    }
                }
            }
            try await Task.sleep(for: .seconds(2))
            let (customers, prime, rate, hold) = (customers, prime, rate, hold)
            group.addTask {
                var generator = SystemRandomNumberGenerator()
                func number() -> String { "0" + String(LookupBench.mobile(Int.random(in: 0..<customers, using: &generator)).dropFirst(3)) }
                for _ in 0..<prime {
                    pbx.placeInboundCall(callerNumber: number(), callerName: "", patience: 3_000)
                    try await Task.sleep(for: .milliseconds(10))
                }
                while hold, ContinuousClock.now < end {
                    try await Task.sleep(for: .milliseconds(20))
                    for _ in 0..<ended.take() { pbx.placeInboundCall(callerNumber: number(), callerName: "", patience: 3_000) }
                }
                var arrival = ContinuousClock.now
                while ContinuousClock.now < end {
                    arrival += .seconds(-log(Double.random(in: Double.ulpOfOne..<1, using: &generator)) / rate)
                    try await Task.sleep(until: arrival, clock: .continuous)
                    pbx.placeInboundCall(callerNumber: number(), callerName: "", patience: 3_000)
                }
            }
            let steadyFrom = start + .seconds(Double(prime) / 100 + 60)
            var cpuBefore = try ProcessFigures.cpuSeconds(pid: process.processIdentifier)
            var wallBefore = ContinuousClock.now
            while ContinuousClock.now < end {
                try await Task.sleep(for: .seconds(30))
                let cpu = try ProcessFigures.cpuSeconds(pid: process.processIdentifier)
                let wall = ContinuousClock.now
                let share = (cpu - cpuBefore) / (wall - wallBefore).seconds * 100
                let live = await Self.callsLive(port: httpPort)
                let megabytes = try ProcessFigures.residentMB(pid: process.processIdentifier)
                if wall >= steadyFrom { heap.append(((wall - start).seconds, megabytes)) }
                let line = String(format: "t=%4.0f s  daemon heap (RssAnon) %.1f MB  CPU %.0f%% of one core  calls up %@  pops so far %d",
                                  (wall - start).seconds, megabytes, share, live, samples.list.withLock { $0.count })
                Bench.say("[\(engine)] scale: \(line)")
                (cpuBefore, wallBefore) = (cpu, wall)
                if bucketsAtSteady == nil, wall >= steadyFrom { bucketsAtSteady = await Self.popCounts(port: httpPort) }
            }
            group.cancelAll()
        }
        let all = samples.list.withLock { $0 }
        let steady = all.filter { $0.at > start + .seconds(Double(prime) / 100 + 60) }.map(\.latency)
        let stream = hold ? "then one for each that ended" : "then \(rate) a second"
        print("[\(engine)] scale: every pop of the run (\(prime) calls placed in the first \(prime / 100) s, \(stream)): \(LatencySummary(samples: all.map(\.latency)))")
        if !steady.isEmpty { print("[\(engine)] scale: pops in the steady state: \(LatencySummary(samples: steady))") }
        if heap.count >= 2 { print("[\(engine)] scale: heap (RssAnon) in the steady state: " + Self.trend(heap)) }
        if heap.count >= 8 { print("[\(engine)] scale: heap (RssAnon) over the last half: " + Self.trend(Array(heap.suffix(heap.count / 2)))) }
        let bucketsAtEnd = await Self.popCounts(port: httpPort)
        print("[\(engine)] scale: inside the daemon (calldesk_screen_pop_seconds, cumulative), whole run: " + PopHistogram.describe(bucketsAtEnd))
        if let bucketsAtSteady {
            print("[\(engine)] scale: inside the daemon, steady state: " + PopHistogram.describe(bucketsAtEnd.mapValues { $0 } .merging(bucketsAtSteady) { $0 - $1 }))
        }
        process.terminate()
        process.waitUntilExit()
        await server.close()
    }

    private func startDaemon(store: CRMStore, amiPort: Int, httpPort: Int) throws -> Process {
        let url: String
        switch store.database.location {
        case .sqlite(let path): url = "sqlite://" + path
        case .postgres(let base, let schema): url = base + (schema.map { "?schema=\($0)" } ?? "")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: daemon)
        process.arguments = ["serve"]
        process.environment = [
            "CALLDESK_DATABASE_URL": url, "CALLDESK_AMI_PORT": String(amiPort), "CALLDESK_AMI_SECRET": "crmd-secret",
            "CALLDESK_HTTP_PORT": String(httpPort), "CALLDESK_LOG_LEVEL": "warning", "CALLDESK_PHONE_DEFAULT_AREA_CODE": "21",
            "CALLDESK_CALLS_JOURNAL_DIRECTORY": FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-scale").path,
        ]
        try process.run()
        return process
    }

    private func waitForHealth(port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let (data, _) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/health")!),
               String(decoding: data, as: UTF8.self).contains("\"status\":\"ok\"") { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ValidationError("the daemon did not become healthy on port \(port) within 60 s")
    }

    /// First, last and least-squares slope of samples taken over time.
    static func trend(_ samples: [(at: Double, megabytes: Double)]) -> String {
        let meanT = samples.map(\.at).reduce(0, +) / Double(samples.count)
        let meanM = samples.map(\.megabytes).reduce(0, +) / Double(samples.count)
        let covariance = samples.map { ($0.at - meanT) * ($0.megabytes - meanM) }.reduce(0, +)
        let variance = samples.map { ($0.at - meanT) * ($0.at - meanT) }.reduce(0, +)
        let perMinute = variance > 0 ? covariance / variance * 60 : 0
        return String(format: "%.1f MB at t=%.0f s, %.1f MB at t=%.0f s, least-squares slope %+.3f MB a minute over %d samples",
                      samples[0].megabytes, samples[0].at, samples[samples.count - 1].megabytes, samples[samples.count - 1].at,
                      perMinute, samples.count)
    }

    /// The lines of the daemon's `/metrics`.
    static func metricLines(port: Int) async -> [Substring] {
        guard let (data, _) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
    }

    /// The daemon's `calldesk_calls_live`.
    static func callsLive(port: Int) async -> String {
        let line = await metricLines(port: port).first { $0.hasPrefix("calldesk_calls_live{") }
        return line.flatMap { $0.split(separator: " ").last.map(String.init) } ?? "?"
    }

    /// The daemon's own pop latencies, cumulative count by bucket bound.
    static func popCounts(port: Int) async -> [String: Int] {
        PopHistogram.counts(await metricLines(port: port))
    }
}

/// Pops timed by the scale benchmark: when each arrived and how long it took.
final class ScaleSamples: Sendable {
    let list = Mutex<[(at: ContinuousClock.Instant, latency: Duration)]>([])
}

/// Calls that ended on the simulated PBX and are not yet replaced: a call ends when the last channel
/// of its `Linkedid` hangs up.
final class CallsEnded: Sendable {
    private struct State {
        var channels: [String: Int] = [:]
        var ended = 0
    }

    private let state = Mutex(State())

    /// Counts `message` if it opens or closes a channel.
    func count(_ message: AMIMessage) {
        guard let linked = message["Linkedid"] else { return }
        switch message.eventName {
        case "Newchannel": state.withLock { $0.channels[linked, default: 0] += 1 }
        case "Hangup":
            state.withLock { state in
                let left = (state.channels[linked] ?? 1) - 1
                if left > 0 {
                    state.channels[linked] = left
                } else {
                    state.channels[linked] = nil
                    state.ended += 1
                }
            }
        default: break
        }
    }

    /// The calls ended since the last take.
    func take() -> Int {
        state.withLock { state in
            defer { state.ended = 0 }
            return state.ended
        }
    }
}
