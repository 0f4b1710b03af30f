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

extension DaemonFixture {
    static func run(store: CRMStore, simulator: SimulatorConfiguration, _ body: @Sendable (DaemonFixture) async throws -> Void) async throws {
        try await run(store: store, simulator: simulator, reconnectDelay: .milliseconds(100), logger: BenchDatabase.logger, body)
    }

    /// Anonymous resident memory of this process in MB (see `ProcessFigures.residentMB`).
    static func residentMB() -> Double { (try? ProcessFigures.residentMB(pid: nil)) ?? 0 }
}
