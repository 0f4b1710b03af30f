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

    /// The team's queues and the phone's interface, when the agent's team follows the console.
    private func placement(of user: User) async -> (queues: [String], interface: String)? {
        guard user.role == .agent, let ext = user.extension, let team = user.teamID,
              let name = try? await store.teams(visibleTo: user).first(where: { $0.id == team })?.name,
              configuration.consoleLoginTeams.contains(name) else { return nil }
        return (configuration.queueTeams.queues(of: name), configuration.memberInterface.replacingOccurrences(of: "{extension}", with: ext))
    }

    /// The monitor of the PBX that has `queue` (the first PBX when none lists it yet).
    private func monitor(of queue: String) -> QueueMonitorService? {
        monitors.first { $0.current.queues.contains { $0.queue == queue } } ?? monitors.first
    }

    private func login(_ user: User) async {
        guard let (queues, interface) = await placement(of: user) else { return }
        var joined: [String] = []
        for queue in queues {
            guard let monitor = monitor(of: queue),
                  !monitor.current.agents.contains(where: { $0.userId == user.id && $0.queues.contains(queue) }) else { continue }
            do {
                try await monitor.add(queue: queue, interface: interface, memberName: user.name)
                joined.append(queue)
            } catch {
                logger.warning("console opened but the phone could not join a queue", metadata: ["user": "\(user.id)", "queue": "\(queue)", "error": "\(error)"])
            }
        }
        await audit("console_login", user, queues: joined, interface: interface)
    }

    private func logout(_ user: User) async {
        guard let (queues, _) = await placement(of: user) else { return }
        var left: [String] = []
        var interface = ""
        for queue in queues {
            guard let monitor = monitor(of: queue),
                  let member = monitor.current.agents.first(where: { $0.userId == user.id && $0.queues.contains(queue) }) else { continue }
            do {
                try await monitor.remove(queue: queue, interface: member.interface)
                left.append(queue)
                interface = member.interface
            } catch {
                logger.warning("the phone could not leave a queue", metadata: ["user": "\(user.id)", "queue": "\(queue)", "error": "\(error)"])
            }
        }
        await audit("console_logout", user, queues: left, interface: interface)
    }

    /// One audit entry for the queues a console opening or closing moved the phone in or out of (none: nothing to record).
    private func audit(_ action: String, _ user: User, queues: [String], interface: String) async {
        guard !queues.isEmpty else { return }
        do {
            try await store.auditAction(actor: user.id, action: action, entity: "user", entityID: user.id,
                                        details: ["queues": queues.joined(separator: ","), "interface": interface])
            logger.info(action == "console_login" ? "console opened: phone added to its queues" : "console closed past its grace: phone removed from its queues",
                        metadata: ["user": "\(user.id)", "queues": "\(queues)"])
        } catch {
            logger.warning("a queue move could not be audited", metadata: ["user": "\(user.id)", "action": "\(action)", "error": "\(error)"])
        }
    }
}
