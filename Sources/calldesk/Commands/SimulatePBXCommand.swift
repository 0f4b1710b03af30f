import ArgumentParser
import CRM
import App
import Logging
import PBXSimulator
import ServiceLifecycle
import Telephony

struct SimulatePBXCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate-pbx",
        abstract: "Run a simulated Asterisk (AMI and ARI on 127.0.0.1) with the users, queues and contexts of the captured one.",
        discussion: """
            Users crmd/crmd-secret and readonly/ro-secret; queue hotline (Local/1001…@agents/n); dial \
            Local/100@inbound for a hotline call, Local/<number>@customers to call a customer (555 busy, \
            556 congestion, 557 no answer). ARI user crmd/crmd-secret; Local/200@stasis enters the Stasis app \
            crmd. With --calls-per-second it generates hotline traffic.
            """)
    @OptionGroup var options: GlobalOptions
    @Option(help: "AMI port on 127.0.0.1") var amiPort = 5038
    @Option(help: "ARI (HTTP and event WebSocket) port on 127.0.0.1; 0 turns it off") var ariPort = 8088
    @OptionGroup var simulator: SimulatorOptions
    static let defaults = SimulatorOptions.Defaults(agents: 2, callsPerSecond: 0, talk: 60, answerAfter: 2)
    @Flag(help: "Draw caller IDs from the CRM's phone numbers (as trunks send them: national format)") var callersFromCRM = false

    func run() async throws {
        _ = try await options.load()
        var callers: [String] = []
        if callersFromCRM {
            callers = try await withStore(options) { store, _ in try await store.samplePhoneNumbers(limit: 2_000) }
                .map(Self.asTrunkSends)
        }
        let logger = Logger(label: "calldesk.simulator")
        let configuration = simulator.configuration(Self.defaults)
        let service = PBXSimulatorService(
            configuration: configuration, amiPort: amiPort,
            ariPort: ariPort > 0 ? ariPort : nil,
            traffic: simulator.traffic(Self.defaults, callers: callers),
            logger: logger)
        let ari: String = ariPort > 0 ? ", ARI on http://127.0.0.1:\(ariPort)/ari (crmd / crmd-secret)" : ""
        let rate = simulator.rate(Self.defaults)
        let traffic: String = rate > 0 ? ", \(rate) calls/s" : ""
        print("simulated PBX: AMI on 127.0.0.1:\(amiPort) (crmd / crmd-secret)\(ari), \(simulator.agentCount(Self.defaults)) hotline agents\(traffic); Ctrl-C stops it")
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
    }

    /// `+8613800138000` → `013800138000` or `13800138000`; `+862188886666` → `02188886666`: caller IDs as Chinese trunks deliver them.
    static func asTrunkSends(_ e164: String) -> String {
        guard e164.hasPrefix("+86") else { return e164 }
        let national = String(e164.dropFirst(3))
        return national.hasPrefix("1") && national.count == 11 ? (Bool.random() ? national : "0" + national) : "0" + national
    }
}
