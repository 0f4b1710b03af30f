import App
import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// CallDesk's benchmarks: run on demand (scripts/bench), each prints its figures.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calldesk-bench",
        abstract: "Measure CallDesk: phone lookup, import, AMI decoding.",
        subcommands: [All.self, LookupBench.self, LookupHTTPBench.self, ImportBench.self, AMIDecodeBench.self, AMILoopbackBench.self, PopBench.self, StormBench.self, ScaleBench.self, ScheduleBench.self]
    )

    /// `CALLDESK_BENCH_NIO_EXECUTOR=1` runs every task on NIO's event loops instead of Swift's
    /// cooperative pool, to compare the two (the daemon uses the cooperative pool).
    static func main() async {
        // The daemon's log handler, as `calldesk serve` sets it up (each logger still says its level).
        LogSetup.bootstrap(level: .trace)
        if ProcessInfo.processInfo.environment["CALLDESK_BENCH_NIO_EXECUTOR"] == "1" {
            let installed = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
            say("tasks run on NIO's event loops: \(installed)")
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }

    /// Prints a figure at once, also when the output goes to a file.
    static func say(_ text: String) {
        print(text)
        fflush(nil)
    }

    struct All: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "all", abstract: "Every benchmark with default sizes.")
        func run() async throws {
            try await AMIDecodeBench.parse([]).run()
            try await AMILoopbackBench.parse([]).run()
            try await LookupBench.parse([]).run()
            try await ImportBench.parse([]).run()
            try await PopBench.parse([]).run()
            try await StormBench.parse([]).run()
        }
    }
}
