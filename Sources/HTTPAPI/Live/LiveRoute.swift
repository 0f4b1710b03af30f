import CRM
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Workflows

/// `GET /v1/live` as a WebSocket: everything a page shows live, as far as its user may see it. An
/// agent gets their screen-pops and their own state; a supervisor also their team's agents and
/// queues; an admin everything. A page that connects gets the current boards first, then changes.
struct LiveRoute {
    let store: CRMStore
    let sockets: LiveSockets
    let pauseCodes: [MonitorConfiguration.PauseCode]
    let timeZone: TimeZone
    /// Which queues are a supervisor's team's.
    let queueTeams: QueueTeams
    /// Agent login follows the console (for the teams configured so).
    let presence: ConsolePresence?

    /// The first frame: who is connected, and the pause codes they may choose from.
    struct Hello: Encodable {
        let event = "hello"
        let user: Person
        let pauseCodes: [MonitorConfiguration.PauseCode]
        /// The call center's zone: the pages show times in it.
        let timeZone: String
        struct Person: Encodable { let id: Int; let name: String; let role: String; let `extension`: String? }
    }

    func register(on group: RouterGroup<APIRequestContext>) {
        group.ws("live") { _, context in
            try sockets.checkRoom(for: try context.requireUser())
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, wsContext in
            let context = wsContext.requestContext
            let user = try context.requireUser()
            let hello = try AgentEventsRoute.json(Hello(user: .init(id: user.id, name: user.name, role: user.role.rawValue, extension: user.extension),
                                                        pauseCodes: pauseCodes, timeZone: timeZone.identifier))
            presence?.opened(user)
            defer { presence?.closed(user) }
            let mask = sockets.mask(for: user)
            try await sockets.serve(try await topics(of: user), hello: hello, context: context, inbound: inbound, outbound: outbound) { message in
                switch message {
                case .screenPop(let pop): try AgentEventsRoute.json(pop.seen(through: mask))
                case .agentBoard(let board): try AgentEventsRoute.json(mask.hides ? board.withNumbers(mask.show) : board)
                case .queueBoard(let board): try AgentEventsRoute.json(board)
                case .notice(let notice): try AgentEventsRoute.json(notice)
                case .resync(let dropped): try AgentEventsRoute.json(AgentEventsRoute.Resync(dropped: dropped))
                }
            }
        }
    }

    /// What `user` may watch, by the access policy's reach.
    private func topics(of user: User) async throws -> Set<LiveTopic> {
        switch user.access.reach {
        case .everything:
            return [.agent(user.id), .everyone]
        case .team(let team):
            let name = try await store.teams(visibleTo: user).first { $0.id == team }?.name
            return Set([.agent(user.id), .team(team)] + (name.map { queueTeams.queues(of: $0).map(LiveTopic.queue) } ?? []))
        case .own:
            return [.agent(user.id)]
        }
    }
}
