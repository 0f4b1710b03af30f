import Foundation
import Metrics

/// Delivers screen-pops to every live connection of an agent, and remembers what is ringing so a
/// page that connects while its agent's phone rings gets the card at once.
public actor PopHub {
    /// One agent connection's stream of pops.
    public struct Subscription: Sendable {
        public let id: UUID
        public let agentID: Int
        public let pops: AsyncStream<ScreenPop>
    }

    private var connections: [Int: [UUID: AsyncStream<ScreenPop>.Continuation]] = [:] {
        didSet { openConnections.record(connections.values.reduce(0) { $0 + $1.count }) }
    }
    /// Ringing pops by call key, then agent.
    private var ringing: [String: [Int: ScreenPop]] = [:] {
        didSet { ringingCalls.record(ringing.count) }
    }
    /// Answered calls by call key: the agent on the call and their card.
    private var talking: [String: (agent: Int, pop: ScreenPop)] = [:]
    private let bufferSize: Int
    private let openConnections: Gauge
    private let ringingCalls: Gauge

    /// `metrics` receives the open agent connections (`calldesk_agent_connections`) and the calls
    /// ringing an agent (`calldesk_calls_ringing_agents`).
    public init(bufferSize: Int = 64, metrics: any MetricsFactory = MetricsSystem.factory) {
        self.bufferSize = bufferSize
        openConnections = Gauge(label: "calldesk_agent_connections", factory: metrics)
        ringingCalls = Gauge(label: "calldesk_calls_ringing_agents", factory: metrics)
    }

    /// Opens a connection for `agentID`; pops for calls ringing that agent right now come first.
    public func connect(agentID: Int) -> Subscription {
        let (stream, continuation) = AsyncStream.makeStream(of: ScreenPop.self, bufferingPolicy: .bufferingNewest(bufferSize))
        let id = UUID()
        connections[agentID, default: [:]][id] = continuation
        for pops in ringing.values.sorted(by: { ($0[agentID]?.ringingSince ?? .distantPast) < ($1[agentID]?.ringingSince ?? .distantPast) }) {
            if let pop = pops[agentID] { continuation.yield(pop) }
        }
        return Subscription(id: id, agentID: agentID, pops: stream)
    }

    /// Closes one connection.
    public func disconnect(_ subscription: Subscription) {
        connections[subscription.agentID]?.removeValue(forKey: subscription.id)?.finish()
        if connections[subscription.agentID]?.isEmpty == true { connections[subscription.agentID] = nil }
    }

    /// The agent's phone rings for a call: send the card to each of their connections, once.
    public func ring(_ pop: ScreenPop, agentID: Int) {
        let key = Self.key(pop)
        guard ringing[key]?[agentID] == nil else { return }
        ringing[key, default: [:]][agentID] = pop
        send(pop, to: agentID)
    }

    /// This agent's phone stopped ringing for the call without an answer.
    public func stopRinging(pbx: String, callID: String, agentID: Int) {
        let key = "\(pbx)/\(callID)"
        guard var pop = ringing[key]?.removeValue(forKey: agentID) else { return }
        if ringing[key]?.isEmpty == true { ringing[key] = nil }
        pop.event = .stopped
        send(pop, to: agentID)
    }

    /// The call was answered: every agent it was ringing hears so; the one who answered keeps it
    /// until it ends or moves on. An agent the call was transferred away from hears it ended for them.
    public func answered(pbx: String, callID: String, byAgent agentID: Int?, extension ext: String?) {
        let key = "\(pbx)/\(callID)"
        guard let pops = ringing.removeValue(forKey: key) else { return }
        if let agentID, pops[agentID] != nil, let (previous, pop) = talking[key], previous != agentID {
            var ended = pop
            ended.event = .ended
            send(ended, to: previous)
        }
        for (agent, var pop) in pops {
            pop.event = .answered
            pop.answeredBy = ext
            send(pop, to: agent)
            if agent == agentID { talking[key] = (agent, pop) }
        }
    }

    /// The call is over: whoever it was still ringing, and the agent who took it, hear so.
    public func ended(pbx: String, callID: String) {
        let key = "\(pbx)/\(callID)"
        var recipients = ringing.removeValue(forKey: key).map { Array($0) } ?? []
        if let (agent, pop) = talking.removeValue(forKey: key) { recipients.append((agent, pop)) }
        for (agent, var pop) in recipients {
            pop.event = .ended
            send(pop, to: agent)
        }
    }

    /// Agents with at least one open connection.
    public var connectedAgents: Set<Int> { Set(connections.keys) }

    /// Calls currently ringing some agent.
    public var ringingCount: Int { ringing.count }

    private func send(_ pop: ScreenPop, to agentID: Int) {
        for continuation in (connections[agentID] ?? [:]).values { continuation.yield(pop) }
    }

    private static func key(_ pop: ScreenPop) -> String { "\(pop.pbx)/\(pop.callID)" }
}
