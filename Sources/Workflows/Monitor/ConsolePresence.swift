import CRM
import Foundation
import Logging
import ServiceLifecycle

/// Agent login follows the console, for the teams configured so: the first console an agent opens
/// adds their phone to the team's queue (QueueAdd), and when the last one closes and stays closed
/// past the grace time, the phone leaves it (QueueRemove). So a phone nobody sits at is never rung.
/// Each move is audited with the agent as its author.
public final class ConsolePresence: Service, Sendable {
    private enum Event: Sendable {
        case opened(User)
        case closed(User)
        case graceOver(userID: Int, generation: Int)
    }

    private let store: CRMStore
    private let monitors: [QueueMonitorService]
    private let configuration: MonitorConfiguration
    private let logger: Logger
    private let events: AsyncStream<Event>
    private let feed: AsyncStream<Event>.Continuation

    public init(store: CRMStore, monitors: [QueueMonitorService], configuration: MonitorConfiguration,
                logger: Logger = Logger(label: "calldesk.presence")) {
        self.store = store
        self.monitors = monitors
        self.configuration = configuration
        self.logger = logger
        (events, feed) = AsyncStream.makeStream(of: Event.self)
    }

    /// An agent's console connected.
    public func opened(_ user: User) { feed.yield(.opened(user)) }

    /// An agent's console closed, however it closed.
    public func closed(_ user: User) { feed.yield(.closed(user)) }

    public func run() async throws {
        var open: [Int: Int] = [:]          // consoles open per user
        var generation: [Int: Int] = [:]    // bumped on every open: a stale grace timer is ignored
        var users: [Int: User] = [:]
        await withDiscardingTaskGroup { work in
            for await event in events.cancelOnGracefulShutdown() {
                switch event {
                case .opened(let user):
                    users[user.id] = user
                    open[user.id, default: 0] += 1
                    generation[user.id, default: 0] += 1
                    if open[user.id] == 1 { work.addTask { await self.login(user) } }
                case .closed(let user):
                    open[user.id] = max(0, (open[user.id] ?? 1) - 1)
                    guard open[user.id] == 0 else { continue }
                    let current = generation[user.id] ?? 0
                    work.addTask { [configuration, feed] in
                        guard (try? await Task.sleep(for: configuration.consoleGrace)) != nil else { return }
                        feed.yield(.graceOver(userID: user.id, generation: current))
                    }
                case .graceOver(let id, let expected):
                    guard open[id] == 0, generation[id] == expected, let user = users[id] else { continue }
                    work.addTask { await self.logout(user) }
                }
            }
            work.cancelAll()
        }
    }

    /// The team's queue and the phone's interface, when the agent's team follows the console.
    private func placement(of user: User) async -> (queue: String, interface: String)? {
        guard user.role == .agent, let ext = user.extension, let team = user.teamID,
              let name = try? await store.teams(visibleTo: user).first(where: { $0.id == team })?.name,
              configuration.consoleLoginTeams.contains(name) else { return nil }
        return (name, configuration.memberInterface.replacingOccurrences(of: "{extension}", with: ext))
    }

    private func login(_ user: User) async {
        guard let (queue, interface) = await placement(of: user), let monitor = monitors.first else { return }
        guard !monitor.current.agents.contains(where: { $0.userId == user.id && $0.queues.contains(queue) }) else { return }
        do {
            try await monitor.add(queue: queue, interface: interface, memberName: user.name)
            try await store.auditAction(actor: user.id, action: "console_login", entity: "user", entityID: user.id,
                                        details: ["queue": queue, "interface": interface, "pbx": monitor.pbx])
            logger.info("console opened: phone added to its queue", metadata: ["user": "\(user.id)", "queue": "\(queue)"])
        } catch {
            logger.warning("console opened but the phone could not join its queue", metadata: ["user": "\(user.id)", "queue": "\(queue)", "error": "\(error)"])
        }
    }

    private func logout(_ user: User) async {
        guard let (queue, _) = await placement(of: user), let monitor = monitors.first,
              let member = monitor.current.agents.first(where: { $0.userId == user.id && $0.queues.contains(queue) }) else { return }
        do {
            try await monitor.remove(queue: queue, interface: member.interface)
            try await store.auditAction(actor: user.id, action: "console_logout", entity: "user", entityID: user.id,
                                        details: ["queue": queue, "interface": member.interface, "pbx": monitor.pbx])
            logger.info("console closed past its grace: phone removed from its queue", metadata: ["user": "\(user.id)", "queue": "\(queue)"])
        } catch {
            logger.warning("the phone could not leave its queue", metadata: ["user": "\(user.id)", "queue": "\(queue)", "error": "\(error)"])
        }
    }
}
