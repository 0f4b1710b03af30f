import ArgumentParser
import PBXSimulator

/// The simulated PBX's traffic and agents, as `demo` and `simulate-pbx` both take them.
struct SimulatorOptions: ParsableArguments {
    /// What a command starts with when an option is not given.
    struct Defaults {
        var agents: Int
        var callsPerSecond: Double
        var talk: Double
        var answerAfter: Double
    }

    @Option(help: "Hotline agents (members Local/1001@agents/n …; default: demo 4, simulate-pbx 2)") var agents: Int?
    @Option(help: "Inbound calls per second (default: demo 0.2, simulate-pbx 0: no traffic)") var callsPerSecond: Double?
    @Option(help: "Mean talk time in seconds (default: demo 20, simulate-pbx 60)") var talk: Double?
    @Option(help: "Seconds before an agent answers (default: demo 4, simulate-pbx 2)") var answerAfter: Double?
    @Option(help: "Share of callers who hang up while waiting") var abandon = 0.15
    @Option(help: "The hotline's ring strategy: ringall (one caller at a time rings every free agent, as in the captures) or rrmemory (each caller rings the next free agent: use it for heavy traffic)")
    var strategy = "ringall"

    func validate() throws {
        guard ["ringall", "rrmemory"].contains(strategy) else { throw ValidationError("--strategy must be ringall or rrmemory, not \(strategy)") }
        if let agents, !(1...5_000).contains(agents) { throw ValidationError("--agents must be from 1 to 5000") }
        if let callsPerSecond, callsPerSecond < 0 { throw ValidationError("--calls-per-second must not be negative") }
    }

    func agentCount(_ defaults: Defaults) -> Int { agents ?? defaults.agents }

    func rate(_ defaults: Defaults) -> Double { callsPerSecond ?? defaults.callsPerSecond }

    /// The simulator's configuration: the captures' Asterisk with these agents and this strategy.
    func configuration(_ defaults: Defaults) -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration.callCenter(agents: agentCount(defaults), answerAfter: answerAfter ?? defaults.answerAfter,
                                                              talk: talk ?? defaults.talk)
        configuration.queues[0].strategy = strategy
        return configuration
    }

    /// Hotline traffic from `callers`, or none when the rate is 0.
    func traffic(_ defaults: Defaults, callers: [String]) -> TrafficGenerator? {
        let rate = rate(defaults)
        return rate > 0 ? TrafficGenerator(callsPerSecond: rate, callerNumbers: callers, abandonProbability: abandon) : nil
    }
}
