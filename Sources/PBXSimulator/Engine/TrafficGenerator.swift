import Foundation
import Logging

/// Drives hotline traffic into a simulated PBX: `callsPerSecond` callers (Poisson arrivals) with
/// caller IDs from a list or random mobiles; a share of them is impatient and hangs up early.
public struct TrafficGenerator: Sendable {
    public var callsPerSecond: Double
    /// Caller IDs to draw from, as trunks send them; random mobiles when empty.
    public var callerNumbers: [String]
    /// Share of callers who give up after `impatience` seconds; the others wait up to 10 minutes.
    public var abandonProbability: Double
    /// How long an impatient caller stays on the line.
    public var impatience: ClosedRange<Double> = 5...30
    /// Stop after this many calls (`nil`: until cancelled).
    public var limit: Int?

    public init(callsPerSecond: Double, callerNumbers: [String] = [], abandonProbability: Double = 0.1, limit: Int? = nil) {
        self.callsPerSecond = callsPerSecond
        self.callerNumbers = callerNumbers
        self.abandonProbability = abandonProbability
        self.limit = limit
    }

    private static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
    private static let givenNames = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平")

    /// Places calls until cancelled (or `limit` calls); the PBX's time scale applies to waits.
    public func run(on pbx: SimulatedPBX, logger: Logger) async throws {
        var generator = SystemRandomNumberGenerator()
        var placed = 0
        logger.info("traffic started", metadata: ["callsPerSecond": "\(callsPerSecond)", "abandon": "\(abandonProbability)"])
        // Arrivals are kept on an absolute schedule, so sleeping late never lowers the rate.
        var arrival = ContinuousClock.now
        while limit.map({ placed < $0 }) ?? true {
            let gap = -log(Double.random(in: Double.ulpOfOne..<1, using: &generator)) / max(callsPerSecond, 1e-6)
            arrival += .seconds(gap * pbx.configuration.timeScale)
            try await Task.sleep(until: arrival, clock: .continuous)
            let number = callerNumbers.randomElement(using: &generator) ?? "13\(Int.random(in: 0..<10, using: &generator))\(String(format: "%08d", Int.random(in: 0..<100_000_000, using: &generator)))"
            let name = String(Self.surnames.randomElement(using: &generator)!) + String(Self.givenNames.randomElement(using: &generator)!)
            let impatient = Double.random(in: 0..<1, using: &generator) < abandonProbability
            pbx.placeInboundCall(callerNumber: number, callerName: name,
                                 patience: impatient ? Double.random(in: impatience, using: &generator) : 600)
            placed += 1
        }
    }
}
