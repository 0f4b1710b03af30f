import AMI
import DaemonFixture
import App
import CRM
import Workflows
import Foundation
import HTTPAPI
import Logging
import NIOPosix
import PBXSimulator
import Prometheus
import ServiceLifecycle

/// What the benchmarks run: the daemon against a simulated PBX (the tests' fixture too).
typealias BenchDaemon = DaemonFixture

extension DaemonFixture {
    static func run(store: CRMStore, simulator: SimulatorConfiguration, _ body: @Sendable (DaemonFixture) async throws -> Void) async throws {
        try await run(store: store, simulator: simulator, reconnectDelay: .milliseconds(100), logger: BenchDatabase.logger, body)
    }

    /// Anonymous resident memory of this process in MB (heap and stacks: what a leak grows; Linux
    /// `/proc/self/status` RssAnon). File-backed pages such as SQLite's are left out.
    static func residentMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return 0 }
        return kilobytes / 1024
    }
}
