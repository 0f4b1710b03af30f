import ArgumentParser
import CRM
import DaemonFixture
import Foundation
import PBXSimulator
import SQLKit
import Synchronization

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
            try await DaemonFixture.run(store: store, simulator: simulator) { daemon in
                try await storm(daemon, store: store, engine: name)
            }
        }
    }

    private func storm(_ daemon: DaemonFixture, store: CRMStore, engine: String) async throws {
        let total = Int(rate * seconds)
        // One caller in ten is impatient: gone before the queue (Answer() waits 0.5 s), while it rings, or once talking.
        var generator = TrafficGenerator(callsPerSecond: rate, abandonProbability: 0.1, limit: total)
        generator.impatience = 0.2...1.0
        let traffic = generator
        // What the PBX did with each call, from its own events: the truth the log is checked against.
        let record = StormRecord()
        await daemon.pbx.observe { message in
            switch message.eventName {
            case "AgentConnect": if let id = message["Linkedid"] { record.truth.withLock { $0[id] = "answered" } }
            case "QueueCallerAbandon": if let id = message["Linkedid"] { record.truth.withLock { $0[id] = "abandoned" } }
            case "Newchannel": if let id = message["Linkedid"] { record.truth.withLock { $0[id] = $0[id] ?? "no_answer" } }
            default: break
            }
        }
        record.memory.withLock { $0.append(DaemonFixture.residentMB()) }
        let start = ContinuousClock.now
        // One task places the calls, one cuts the AMI link `kills` times, one notes memory every 5 s.
        let placed = try await withThrowingTaskGroup(of: Duration?.self) { group in
            group.addTask {
                try await traffic.run(on: daemon.pbx, logger: BenchDatabase.logger)
                return ContinuousClock.now - start
            }
            group.addTask {
                for _ in 0..<kills {
                    try await Task.sleep(for: .seconds(seconds / Double(kills + 1)))
                    await daemon.server.dropConnections()
                }
                return nil
            }
            group.addTask {
                while (try? await Task.sleep(for: .seconds(5))) != nil {
                    record.memory.withLock { $0.append(DaemonFixture.residentMB()) }
                }
                return nil
            }
            // The traffic and the kills end on their own; then the sampler is stopped.
            var placing = Duration.zero
            for _ in 0..<2 { if let finished = try await group.next(), let finished { placing = finished } }
            group.cancelAll()
            return placing
        }
        // Let the last calls finish and the writer drain.
        var ended = 0
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            ended = try await count(store, where: "status", "ended")
            let stats = await daemon.pbx.currentStats()
            if ended >= stats.callsStarted { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        record.memory.withLock { $0.append(DaemonFixture.residentMB()) }
        let drained = ContinuousClock.now - start
        let stats = await daemon.pbx.currentStats()
        let rows = try await count(store, where: nil, nil)
        let logged = try await store.database.withConnection { sql in
            try await sql.raw("SELECT linkedid, result, ended_by FROM calls").all(decoding: LoggedCall.self)
        }
        let distinct = Set(logged.map(\.linkedid)).count
        let expected = record.truth.withLock { $0 }
        let wrong = logged.filter { expected[$0.linkedid] != $0.result }
        let wrongAfterResync = wrong.filter { $0.endedBy == "resync" }.count
        let blind = logged.filter { $0.endedBy == "resync" }.count
        let counters = await daemon.ami.counterSnapshot
        print(String(format: "[\(engine)] storm: %d calls placed in %.1f s (%.0f calls/s), %d AMI kills, %d connects; all ended after %.1f s",
                     total, placed.seconds, Double(total) / placed.seconds, kills, counters.connects, drained.seconds))
        print("[\(engine)] storm: PBX started \(stats.callsStarted), answered \(stats.callsAnswered), abandoned \(stats.callsAbandoned); "
            + "log rows \(rows), distinct calls \(distinct), ended \(ended), closed by resync \(blind); results logged: "
            + Dictionary(grouping: logged, by: { $0.result ?? "none" }).map { "\($0.key) \($0.value.count)" }.sorted().joined(separator: ", "))
        let exact = rows == stats.callsStarted && distinct == rows && ended == rows
        print("[\(engine)] storm: exactly once: \(exact ? "yes" : "NO"); result as the PBX had it: \(rows - wrong.count) of \(rows)"
            + (wrong.isEmpty ? "" : " (\(wrong.count) differ, \(wrongAfterResync) of them answered and ended while the AMI link was down)"))
        for call in wrong.prefix(5) {
            print("[\(engine)] storm:   differs: \(call.linkedid) logged \(call.result ?? "-") (\(call.endedBy ?? "-")), the PBX: \(expected[call.linkedid] ?? "never seen")")
        }
        print("[\(engine)] storm: heap (RssAnon) MB every 5 s: " + record.memory.withLock { $0 }.map { String(format: "%.0f", $0) }.joined(separator: " "))
    }

    private struct LoggedCall: Decodable {
        let linkedid: String
        let result: String?
        let endedBy: String?
        enum CodingKeys: String, CodingKey { case linkedid, result, endedBy = "ended_by" }
    }

    private func count(_ store: CRMStore, where column: String?, _ value: String?) async throws -> Int {
        try await store.database.withConnection { sql in
            var query = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("calls")
            if let column, let value { query = query.where(SQLIdentifier(column), .equal, SQLBind(value)) }
            return try await query.first(decodingColumn: "n", as: Int.self) ?? -1
        }
    }
}

/// What the storm benchmark collects from several tasks at once: each call's outcome as the PBX
/// had it, and the process's memory over time.
final class StormRecord: Sendable {
    let truth = Mutex<[String: String]>([:])
    let memory = Mutex<[Double]>([])
}
