import Workflows
import Logging
import ServiceLifecycle

/// Logs every screen-pop for the given agents, one line each, so a terminal shows what agents see.
public struct PopNarrator: Service {
    let hub: LiveHub
    let agents: [(id: Int, name: String)]
    let logger: Logger

    public init(hub: LiveHub, agents: [(id: Int, name: String)], logger: Logger) {
        self.hub = hub
        self.agents = agents
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for agent in agents {
                    group.addTask {
                        try? await hub.withSubscription([.agent(agent.id)]) { subscription in
                            for await message in subscription {
                                switch message {
                                case .screenPop(let pop): logger.notice("\(PopNarrator.line(pop, agent: agent.name))")
                                case .resync(let dropped): logger.warning("\(agent.name): \(dropped) pops were skipped (the terminal fell behind)")
                                case .agentBoard, .queueBoard, .notice: continue
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `📞 李娜 ringing: 张伟 (A, owner 李娜, 大众帕萨特 沪A12345, policy 2027-01-15) +8613800138000, hotline, waited 3 s`
    public static func line(_ pop: ScreenPop, agent: String) -> String {
        let who: String
        if pop.customers.isEmpty {
            who = "new caller"
        } else {
            who = pop.customers.map { card in
                var facts = [card.grade.map { "\($0.rawValue)" } ?? "no grade", "owner \(card.ownerName ?? "none (in a pool)")"]
                if let car = card.vehicles.first { facts.append([car.model, car.plate].compactMap { $0 }.joined(separator: " ")) }
                if let policy = card.policies.first { facts.append("policy \(policy.expiryDate)") }
                if !card.openComplaints.isEmpty { facts.append("\(card.openComplaints.count) open complaint") }
                return "\(card.name) (\(facts.joined(separator: ", ")))"
            }.joined(separator: " / ")
        }
        let number = pop.e164 ?? pop.number ?? "unknown number"
        switch pop.event {
        case .ringing:
            return "📞 \(agent) ringing: \(who) \(number)\(pop.queue.map { ", \($0)" } ?? "")\(pop.waitSeconds.map { ", waited \($0) s" } ?? "")"
        case .answered:
            return "   \(agent): call from \(number) answered by \(pop.answeredBy ?? "?")"
        case .stopped:
            return "   \(agent): stopped ringing for \(number)"
        case .ended:
            return "   \(agent): call from \(number) ended"
        }
    }
}
