import CRM
import Foundation
import Logging
import SQLKit
import Telephony

/// Opens a fresh benchmark database: an SQLite file in a temp dir, or a new schema in the
/// PostgreSQL named by CALLDESK_TEST_POSTGRES_URL (scripts/with-postgres sets it).
enum BenchDatabase {
    static var logger: Logger {
        var logger = Logger(label: "calldesk.bench")
        logger.logLevel = .warning
        return logger
    }

    static var engines: [String] {
        ProcessInfo.processInfo.environment["CALLDESK_TEST_POSTGRES_URL"] == nil ? ["sqlite"] : ["sqlite", "postgres"]
    }

    /// Runs `body` on a fresh database of each engine `selection` names (`sqlite`, `postgres`, `both`).
    static func forEach(_ selection: String, _ body: (String, CRMStore) async throws -> Void) async throws {
        for name in engines where selection == "both" || selection == name {
            let (store, cleanup) = try await open(name)
            do {
                try await body(name, store)
            } catch {
                await cleanup()
                throw error
            }
            await cleanup()
        }
    }

    static func open(_ engine: String) async throws -> (CRMStore, cleanup: @Sendable () async -> Void) {
        let normalizer = PhoneNormalizer(plan: .china, defaultAreaCode: "21")
        if engine == "postgres", let url = ProcessInfo.processInfo.environment["CALLDESK_TEST_POSTGRES_URL"] {
            let schema = "bench_\(UInt32.random(in: 0...UInt32.max))"
            let admin = try CRMDatabase(location: .postgres(url: url, schema: nil), logger: logger, maxConnections: 1)
            try await admin.withConnection { try await $0.raw("CREATE SCHEMA \(ident: schema)").run() }
            let store = try await CRMStore.open(location: .postgres(url: url, schema: schema), normalizer: normalizer, logger: logger)
            return (store, {
                await store.close()
                try? await admin.withConnection { try await $0.raw("DROP SCHEMA \(ident: schema) CASCADE").run() }
                await admin.shutdown()
            })
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try await CRMStore.open(location: .sqlite(path: directory.appendingPathComponent("bench.sqlite").path),
                                            normalizer: normalizer, logger: logger)
        return (store, {
            await store.close()
            try? FileManager.default.removeItem(at: directory)
        })
    }
}

/// Percentiles of a set of durations, printed in microseconds.
struct LatencySummary: CustomStringConvertible {
    let samples: [Duration]

    func percentile(_ p: Double) -> Double {
        let sorted = samples.sorted()
        let index = min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))
        return sorted[index].microseconds
    }

    var description: String {
        String(format: "n=%d p50=%.1f µs p90=%.1f µs p99=%.1f µs max=%.1f µs",
               samples.count, percentile(0.5), percentile(0.9), percentile(0.99), percentile(1.0))
    }
}

extension Duration {
    var microseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }
    var seconds: Double { microseconds / 1e6 }
}
