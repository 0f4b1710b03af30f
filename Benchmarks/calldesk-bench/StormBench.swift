import ArgumentParser
import CRM
import Foundation
import PBXSimulator
import SQLKit

/// A call storm on the simulated PBX while the AMI link is cut again and again; afterwards every
/// call must be in the log exactly once with the result the PBX gave it.
struct StormBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "storm", abstract: "Calls/s logged exactly once under AMI kills; memory over time.")

    @Option(help: "New calls per second") var rate = 200.0
    @Option(help: "Seconds of traffic") var seconds = 60.0
    @Option(help: "Hotline agents") var agents = 100
    @Option(help: "AMI connection kills during the storm") var kills = 10
    @Option(help: "sqlite, postgres or both") var engine = "both"

    func run() async throws {
        try await BenchDatabase.forEach(engine) { name, store in
            for index in 0..<agents { _ = try await store.addUser(name: "agent\(1001 + index)", role: .agent, extension: String(1001 + index)) }
            var simulator = SimulatorConfiguration.callCenter(agents: agents, answerAfter: 0.1, talk: 0.3)
            simulator.queues[0].strategy = "rrmemory"
            try await BenchDaemon.run(store: store, simulator: simulator) { daemon in
                try await storm(daemon, store: store, engine: name)
            }
        }
    }

    private func storm(_ daemon: BenchDaemon, store: CRMStore, engine: String) async throws {
        let total = Int(rate * seconds)
        let traffic = TrafficGenerator(callsPerSecond: rate, abandonProbability: 0.05, limit: total)
        var memory: [Double] = [BenchDaemon.residentMB()]
        let start = ContinuousClock.now
        // One task places the calls; another cuts the AMI link `kills` times, noting memory each time.
        let (placed, sampled) = try await withThrowingTaskGroup(of: (Duration?, [Double]).self) { group in
            group.addTask {
                try await traffic.run(on: daemon.pbx, logger: BenchDatabase.logger)
                return (ContinuousClock.now - start, [])
            }
            group.addTask {
                var samples: [Double] = []
                for _ in 0..<kills {
                    try await Task.sleep(for: .seconds(seconds / Double(kills + 1)))
                    await daemon.server.dropConnections()
                    samples.append(BenchDaemon.residentMB())
                }
                return (nil, samples)
            }
            var placing = Duration.zero, samples: [Double] = []
            for try await (finished, memory) in group {
                placing = finished ?? placing
                samples += memory
            }
            return (placing, samples)
        }
        memory += sampled
        memory.append(BenchDaemon.residentMB())
        // Let the last calls finish and the writer drain.
        var ended = 0
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            ended = try await count(store, where: "status", "ended")
            let stats = await daemon.pbx.currentStats()
            if ended >= stats.callsStarted { break }
            try await Task.sleep(for: .milliseconds(500))
            memory.append(BenchDaemon.residentMB())
        }
        let drained = ContinuousClock.now - start
        let stats = await daemon.pbx.currentStats()
        let rows = try await count(store, where: nil, nil)
        let distinct = try await store.database.withConnection { sql in
            try await sql.raw("SELECT COUNT(DISTINCT linkedid) AS n FROM calls").first(decodingColumn: "n", as: Int.self) ?? -1
        }
        let answered = try await count(store, where: "result", "answered")
        let abandoned = try await count(store, where: "result", "abandoned")
        let blind = try await count(store, where: "ended_by", "resync")
        let counters = await daemon.ami.counterSnapshot
        print(String(format: "[\(engine)] storm: %d calls placed in %.1f s (%.0f calls/s), %d AMI kills, %d connects; all ended after %.1f s",
                     total, placed.seconds, Double(total) / placed.seconds, kills, counters.connects, drained.seconds))
        print("[\(engine)] storm: PBX started \(stats.callsStarted), answered \(stats.callsAnswered), abandoned \(stats.callsAbandoned); "
            + "log rows \(rows), distinct calls \(distinct), ended \(ended), answered \(answered), abandoned \(abandoned), closed by resync \(blind)")
        let exact = rows == stats.callsStarted && distinct == rows && ended == rows
        print("[\(engine)] storm: exactly once: \(exact ? "yes" : "NO"); results match the PBX: \(answered == stats.callsAnswered && abandoned == stats.callsAbandoned ? "yes" : "NO")")
        print("[\(engine)] storm: resident memory MB over the run: " + memory.map { String(format: "%.0f", $0) }.joined(separator: " "))
    }

    private func count(_ store: CRMStore, where column: String?, _ value: String?) async throws -> Int {
        try await store.database.withConnection { sql in
            var query = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("calls")
            if let column, let value { query = query.where(SQLIdentifier(column), .equal, SQLBind(value)) }
            return try await query.first(decodingColumn: "n", as: Int.self) ?? -1
        }
    }
}
