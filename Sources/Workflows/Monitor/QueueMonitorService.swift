import AMI
import CRM
import Foundation
import Logging
import PBXMonitor
import ServiceLifecycle
import Synchronization
import Telephony

/// The live queue and agent monitor of one PBX: the thin shell around `QueueMonitor`.
///
/// At start and after every reconnect it reads `QueueStatus`, then keeps the state by events, checked
/// against Asterisk's `QueueSummary` counts every `reconcileInterval` (reloaded when they disagree). Each
/// change is published through the `LiveHub` as a board (kept, so a page that connects gets the
/// current state first): queues to their queue's topic, agents to their own, their team's and
/// everyone's. Today's figures are re-read from the call log on a timer, callers' names looked up
/// in the CRM in child tasks: nothing on the event path waits for the database.
public final class QueueMonitorService: Service, Sendable {
    public let pbx: String
    private let ami: AMIClient
    private let store: CRMStore
    private let hub: LiveHub
    private let configuration: MonitorConfiguration
    private let logger: Logger
    /// Subscribed at creation, before the client can log in, so no event is missed however late `run` starts.
    private let events: AsyncStream<AMIStreamElement>
    private let boards = Mutex<(queues: [String: QueueBoard], agents: [String: AgentBoard])>(([:], [:]))

    private enum Input: Sendable {
        case events([AMIMessage])
        case connected
        case status([AMIMessage])
        case summary([AMIMessage])
        case tick(Date)
        case figures(queues: [String: QueueFigures], agents: [Int: (calls: Int, talkTime: Int)], pauses: [Int: Int], abandoned: [AbandonedCall])
        case named(number: String, name: String?)
        case directory(AgentDirectory)
        /// The queue boards held back by the pacing are due.
        case flushBoards
    }

    public init(ami: AMIClient, store: CRMStore, hub: LiveHub, configuration: MonitorConfiguration = MonitorConfiguration(),
                logger: Logger = Logger(label: "calldesk.monitor")) {
        self.pbx = ami.pbx
        self.ami = ami
        self.events = ami.events(batched: true)
        self.store = store
        self.hub = hub
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "pbx"] = "\(ami.pbx)"
        self.logger = logger
    }

    /// The boards as they are now: every queue and agent of this PBX.
    public var current: (queues: [QueueBoard], agents: [AgentBoard]) {
        boards.withLock { (Array($0.queues.values).sorted { $0.queue < $1.queue }, Array($0.agents.values).sorted { $0.interface < $1.interface }) }
    }

    public func run() async throws {
        let roster = try await AgentRoster(store: store)
        let (inputs, feed) = AsyncStream.makeStream(of: Input.self)
        var state = MonitorBoards(pbx: pbx, configuration: configuration, directory: roster.current)
        await withDiscardingTaskGroup { work in
            work.addTask {
                await cancelWhenGracefulShutdown {
                    for await element in self.events {
                        switch element {
                        case .event(let event): feed.yield(.events([event.message]))
                        case .events(let events): feed.yield(.events(events.map(\.message)))
                        case .connected, .overflow: feed.yield(.connected)
                        case .disconnected, .connectionFailed: break
                        }
                    }
                }
                feed.finish()
            }
            work.addTask { [configuration] in
                while (try? await Task.sleep(for: configuration.tickInterval)) != nil { feed.yield(.tick(Date())) }
            }
            work.addTask { [configuration, ami] in
                while (try? await Task.sleep(for: configuration.reconcileInterval)) != nil {
                    guard await ami.isConnected, let summary = try? await ami.send(AMIAction("QueueSummary")) else { continue }
                    feed.yield(.summary(summary.items))
                }
            }
            work.addTask { [configuration, logger, store] in
                repeat { await Self.readFigures(store: store, configuration: configuration, logger: logger, into: feed) }
                while (try? await Task.sleep(for: configuration.figuresInterval)) != nil
            }
            work.addTask { [logger] in
                await roster.keepFresh(every: .seconds(30), logger: logger) { feed.yield(.directory($0)) }
            }
            var pacing = BoardPacing(interval: configuration.queueBoardInterval)
            for await input in inputs {
                let changes = pace(apply(input, to: &state, feed: feed, work: &work), flush: input, pacing: &pacing, feed: feed, work: &work)
                for number in state.unnamed(in: changes) { lookUp(number, feed: feed, work: &work) }
                publish(changes, of: state)
                for pause in state.pauseTransitions(changes, at: Date()) {
                    work.addTask { [store, pbx, logger, configuration] in
                        do {
                            try await store.recordPause(userID: pause.user, pbx: pbx, paused: pause.paused, reason: pause.reason, at: pause.at)
                            // Today's pause time shows the pause at once, not at the next figures read.
                            if !pause.paused { await Self.readFigures(store: store, configuration: configuration, logger: logger, into: feed) }
                        } catch {
                            logger.warning("a pause could not be recorded; today's pause time misses it", metadata: ["user": "\(pause.user)", "error": "\(error)"])
                        }
                    }
                }
            }
            work.cancelAll()
        }
    }

    // MARK: Supervisor actions (each audited by the caller)

    /// Pauses or unpauses a member in every queue (or one), with a reason code.
    public func pause(interface: String, paused: Bool, reason: String?, queue: String? = nil) async throws {
        var fields = [("Interface", interface), ("Paused", paused ? "true" : "false")]
        if let reason { fields.append(("Reason", reason)) }
        if let queue { fields.insert(("Queue", queue), at: 0) }
        try await perform(AMIAction("QueuePause", headers: fields))
    }

    /// Adds a member to a queue (a dynamic member, as the agent's console logs in).
    public func add(queue: String, interface: String, memberName: String?) async throws {
        var fields = [("Queue", queue), ("Interface", interface), ("Penalty", "0")]
        if let memberName { fields.append(("MemberName", memberName)) }
        try await perform(AMIAction("QueueAdd", headers: fields))
    }

    /// Removes a member from a queue.
    public func remove(queue: String, interface: String) async throws {
        try await perform(AMIAction("QueueRemove", ["Queue": queue, "Interface": interface]))
    }

    private func perform(_ action: AMIAction) async throws {
        let response: AMIResponse
        do {
            response = try await ami.send(action)
        } catch AMIError.actionFailed(_, _, let message) {
            throw MonitorActionRefused(action: action.name, message: message)
        }
        guard response.message["Response"] == "Success" else {
            throw MonitorActionRefused(action: action.name, message: response.message["Message"] ?? "refused by the PBX")
        }
    }

    // MARK: Shell

    private func apply(_ input: Input, to state: inout MonitorBoards, feed: AsyncStream<Input>.Continuation,
                       work: inout DiscardingTaskGroup) -> Set<QueueMonitor.Change> {
        let now = Date()
        switch input {
        case .events(let events):
            return Set(events.flatMap { state.monitor.handle($0, at: now) })
        case .connected:
            readStatus(feed: feed, work: &work)
            return []
        case .status(let items):
            return Set(state.monitor.load(status: items, at: now))
        case .summary(let items):
            let stale = state.monitor.reconcile(summary: items)
            if !stale.isEmpty {
                logger.warning("queue state differs from Asterisk's QueueSummary twice in a row (missed events: check manager.conf's eventfilter and read classes); reloading QueueStatus",
                               metadata: ["queues": "\(stale.sorted())"])
                readStatus(feed: feed, work: &work)
            }
            return []
        case .tick(let time):
            return Set(state.monitor.tick(at: time)).union(state.overLimitChanges(at: time))
        case .figures(let queues, let agents, let pauses, let abandoned):
            return state.take(queues: queues, agents: agents, pauses: pauses, abandoned: abandoned)
        case .named(let number, let name):
            return state.name(number, name)
        case .directory(let directory):
            state.directory = directory
            return Set(state.monitor.agentInterfaces.map(QueueMonitor.Change.agent))
        case .flushBoards:
            return []
        }
    }

    /// The changes to publish now: agents' at once, queues' as `pacing` lets them (the rest at its flush).
    private func pace(_ changes: Set<QueueMonitor.Change>, flush input: Input, pacing: inout BoardPacing,
                      feed: AsyncStream<Input>.Continuation, work: inout DiscardingTaskGroup) -> Set<QueueMonitor.Change> {
        if case .flushBoards = input { return changes.union(pacing.flush(at: .now).map(QueueMonitor.Change.queue)) }
        let queues = Set(changes.compactMap { if case .queue(let name) = $0 { name } else { nil } })
        guard !queues.isEmpty else { return changes }
        let (ready, askFlush) = pacing.changed(queues, at: .now)
        if askFlush {
            work.addTask { [interval = pacing.interval] in
                try? await Task.sleep(for: interval)
                feed.yield(.flushBoards)
            }
        }
        return changes.filter { if case .queue(let name) = $0 { ready.contains(name) } else { true } }
    }

    /// Reads `QueueStatus` in a child task; the listing comes back as `.status`.
    private func readStatus(feed: AsyncStream<Input>.Continuation, work: inout DiscardingTaskGroup) {
        work.addTask { [ami, logger] in
            do {
                feed.yield(.status(try await ami.send(AMIAction("QueueStatus")).items))
            } catch {
                logger.error("queue status could not be read; the monitor follows events until the next connect", metadata: ["error": "\(error)"])
            }
        }
    }

    private static func readFigures(store: CRMStore, configuration: MonitorConfiguration, logger: Logger,
                                    into feed: AsyncStream<Input>.Continuation) async {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = configuration.timeZone
        let today = calendar.startOfDay(for: Date())
        do {
            let rows = try await store.queueDay(since: today)
            feed.yield(.figures(queues: QueueFigures.byQueue(rows, configuration: configuration), agents: try await store.agentDay(since: today),
                                pauses: try await store.pauseDay(since: today), abandoned: try await store.abandonedCalls(since: today)))
        } catch {
            logger.warning("today's queue figures could not be read; showing the last ones", metadata: ["error": "\(CRMDatabase.explain(error))"])
        }
    }

    private func lookUp(_ number: String, feed: AsyncStream<Input>.Continuation, work: inout DiscardingTaskGroup) {
        work.addTask { [store] in
            var name: String?
            if let e164 = store.normalizer.normalize(number).phoneNumber?.e164 {
                name = try? await store.customers(onNumber: e164).first?.name
            }
            feed.yield(.named(number: number, name: name))
        }
    }

    private func publish(_ changes: Set<QueueMonitor.Change>, of state: MonitorBoards) {
        for change in changes {
            switch change {
            case .queue(let name):
                guard let board = state.queueBoard(name) else { continue }
                boards.withLock { $0.queues[name] = board }
                let key = "board/queue/\(pbx)/\(name)"
                hub.publish(.queueBoard(board), to: .queue(name), retention: .keep(key))
                hub.publish(.queueBoard(board), to: .everyone, retention: .keep(key))
            case .agent(let interface):
                let board = state.agentBoard(interface)
                boards.withLock { $0.agents[interface] = board }
                let key = "board/agent/\(pbx)/\(interface)"
                var topics: [LiveTopic] = [.everyone]
                if let user = board.userId { topics.append(.agent(user)) }
                if let team = state.team(of: interface) { topics.append(.team(team)) }
                for topic in topics { hub.publish(.agentBoard(board), to: topic, retention: .keep(key)) }
            }
        }
    }
}

/// The PBX refused a queue action (an unknown interface, a member already there).
public struct MonitorActionRefused: Error, CustomStringConvertible {
    public let action: String
    public let message: String
    public var description: String { "the PBX refused \(action): \(message)" }
}
