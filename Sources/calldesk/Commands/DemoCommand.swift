import ArgumentParser
import CRM
import App
import Demo
import Foundation
import Logging
import NIOPosix
import PBXSimulator
import ServiceLifecycle

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Try CallDesk: a seeded CRM, a simulated PBX with live hotline traffic, and the daemon, all on 127.0.0.1.",
        discussion: "Uses a fresh SQLite file in a temporary directory; nothing else needs to run. Ctrl-C stops everything.")
    @Option(help: "Customers to seed") var customers = 300
    @Option(help: "HTTP port of the API") var httpPort = 8080
    @OptionGroup var simulator: SimulatorOptions
    static let defaults = SimulatorOptions.Defaults(agents: 4, callsPerSecond: 0.2, talk: 20, answerAfter: 4)

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pbx = SimulatedPBX(configuration: simulator.configuration(Self.defaults),
                               eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let simulatorLogger = Logger(label: "calldesk.simulator")
        let server = try await SimulatedAMIServer.start(pbx: pbx, port: 0, logger: simulatorLogger)
        var environment = ProcessInfo.processInfo.environment.filter { $0.key == "CALLDESK_LOG_LEVEL" }
        environment["CALLDESK_DATABASE_URL"] = "sqlite://" + directory.appendingPathComponent("demo.sqlite").path
        environment["CALLDESK_AMI_PORT"] = String(server.port)
        environment["CALLDESK_AMI_USERNAME"] = "crmd"
        environment["CALLDESK_AMI_SECRET"] = "crmd-secret"
        environment["CALLDESK_HTTP_PORT"] = String(httpPort)
        environment["CALLDESK_PHONE_DEFAULT_AREA_CODE"] = "21"
        let config: CallDeskConfig
        do {
            config = try await CallDeskConfig.load(file: nil, environment: environment)
        } catch let error as ConfigError {
            throw CommandFailure(error.description)
        }
        LogSetup.bootstrap(level: config.logLevel)
        let store = try await GlobalOptions().openStore(config)
        let accounts = try await DemoSeeder(customers: customers, agents: simulator.agentCount(Self.defaults)).seed(store)
        let callers = try await store.samplePhoneNumbers(limit: 5_000).map(SimulatePBXCommand.asTrunkSends)
        let unknown = (0..<max(1, callers.count / 5)).map { _ in "1\(Int.random(in: 30...99))\(String(format: "%08d", Int.random(in: 0..<100_000_000)))" }
        let logger = Logger(label: "calldesk.demo")
        let daemon = try CallDeskDaemon(config: config, store: store) { port in
            Console.line(Self.banner(port: port, accounts: accounts, directory: directory.path, customers: customers))
        }
        let users = try await store.users().filter { $0.role == .agent }.map { (id: $0.id, name: $0.name) }
        var services: [any Service] = daemon.services + [PopNarrator(hub: daemon.hub, agents: users, logger: logger)]
        if let traffic = simulator.traffic(Self.defaults, callers: callers + unknown) {
            services.append(TrafficService(traffic: traffic, pbx: pbx, logger: simulatorLogger))
        }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        do {
            try await group.run()
        } catch {
            await server.close()
            await store.close()
            throw CommandFailure("the demo stopped: \(error)")
        }
        await server.close()
        await store.close()
    }

    static func banner(port: Int, accounts: [DemoSeeder.Account], directory: String, customers: Int) -> String {
        let base = "http://127.0.0.1:\(port)"
        let supervisor = accounts.first { $0.role == .supervisor }
        let agent = accounts.first { $0.role == .agent }
        var lines = [
            "",
            "CallDesk demo is running: \(customers) customers, a simulated Asterisk with hotline traffic, the daemon.",
            "Data: \(directory)/demo.sqlite (thrown away with the directory).",
            "",
            "  Agent console   \(base)/console     sign in as \(agent?.name ?? "") / \(DemoSeeder.password)",
            "  Wallboard       \(base)/wallboard   sign in as \(supervisor?.name ?? "") / \(DemoSeeder.password)",
            "",
            "  Health      \(base)/health",
            "  Call log    curl -H 'Authorization: Bearer \(supervisor?.token ?? "")' '\(base)/v1/calls?limit=5'",
            "  Agent pops  ws://127.0.0.1:\(port)/v1/agents/me/events?token=<agent token>",
            "  In a terminal: swift run calldesk watch --url \(base) --agent \(agent?.extension ?? "1001") --token \(supervisor?.token ?? "")",
            "",
            "Accounts (API tokens):",
        ]
        for account in accounts {
            lines.append("  \(account.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(account.name)\(account.extension.map { " ext \($0)" } ?? "")  \(account.token)")
        }
        lines.append("")
        lines.append("Screen-pops appear below as calls ring. Ctrl-C stops everything.")
        return lines.joined(separator: "\n")
    }
}
