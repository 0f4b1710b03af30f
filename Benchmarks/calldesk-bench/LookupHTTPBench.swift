import App
import ArgumentParser
import CRM
import Foundation
import Hummingbird
import NIOCore
import NIOPosix

/// `GET /v1/lookup` over loopback with a million customers, loaded by wrk (Debian's package) in its
/// own process on this machine: requests/s and latency percentiles, as wrk measures them.
struct LookupHTTPBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lookup-http", abstract: "GET /v1/lookup requests/s and p99 under wrk.")

    @Option(help: "Customers to seed") var customers = 1_000_000
    @Option(help: "sqlite, postgres or both") var engine = "both"
    @Option(help: "wrk connections") var connections = 64
    @Option(help: "wrk threads") var threads = 2
    @Option(help: "Seconds of load") var seconds = 20
    @Option(help: "lookup; me (GET /v1/me: the API's cost without the database); bare (a plain Hummingbird route: the framework's ceiling here)")
    var route = "lookup"
    @Option(help: "Another path to load instead (same token)") var path: String?

    func run() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") else {
            throw ValidationError("wrk is missing: apt-get install wrk")
        }
        try await BenchDatabase.forEach(engine) { name, store in
            var seeder = LookupBench()
            seeder.customers = customers
            _ = try await seeder.seed(store)
            guard let owner = try await store.user(named: "bench-owner") else { throw ValidationError("seeding made no owner") }
            let (token, _) = try await store.issueToken(userID: owner.id, label: "bench", lifetime: nil)
            let script = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-lookup-\(UUID().uuidString).lua")
            // Nine in ten lookups are known customers' mobiles, one in ten an unknown number.
            try """
            math.randomseed(\(UInt32.random(in: 1...UInt32.max)))
            local n = 0
            request = function()
              n = n + 1
              local number
              if n % 10 == 0 then number = string.format("%%2B8615%09d", math.random(0, 999999999))
              else number = string.format("%%2B86139%08d", math.random(0, \(customers - 1))) end
              local path = "\(route)" ~= "lookup" and "\(path ?? "/v1/me")" or ("\(path ?? "/v1/lookup")?phone=" .. number)
              return wrk.format("GET", path, { ["Authorization"] = "Bearer \(token)" })
            end
            """.write(to: script, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: script) }
            let load: @Sendable (Int) async throws -> Void = { port in
                let arguments = ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", "-s", script.path, "http://127.0.0.1:\(port)"]
                // wrk is waited for on NIO's pool for blocking work, never on a thread the server's tasks run on.
                let text = try await NIOThreadPool.singleton.runIfActive {
                    let wrk = Process()
                    wrk.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
                    wrk.arguments = arguments
                    let output = Pipe()
                    wrk.standardOutput = output
                    try wrk.run()
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    wrk.waitUntilExit()
                    return String(decoding: data, as: UTF8.self)
                }
                Bench.say("[\(name)] GET /v1/\(route), \(customers) customers, wrk -t\(threads) -c\(connections) -d\(seconds)s:")
                for line in text.split(separator: "\n") where line.contains("Requests/sec") || line.contains("Latency") || line.contains("%")
                    || line.contains("requests in") || line.contains("Non-2xx") || line.contains("Socket errors") {
                    Bench.say("[\(name)]   " + line.trimmingCharacters(in: .whitespaces))
                }
            }
            if route == "bare" {
                try await Self.withBareServer(load)
            } else {
                try await CallDeskDaemon.run(store: store, pbxes: [], logger: BenchDatabase.logger) { _, port in try await load(port) }
            }
        }
    }

    /// A Hummingbird server with one route answering a small JSON, no middleware, no database: what
    /// the framework alone does on this machine under the same load.
    static func withBareServer(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("v1/me") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"id":1,"name":"bench-owner","role":"agent"}"#)))
        }
        let (ports, reported) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { reported.yield($0.localAddress?.port ?? 0) }, logger: BenchDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            guard let port = await ports.first(where: { _ in true }) else { return }
            try await body(port)
            group.cancelAll()
        }
    }
}
