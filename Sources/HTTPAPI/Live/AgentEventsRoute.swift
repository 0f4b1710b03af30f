import CRM
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Synchronization
import Workflows

/// `GET /v1/agents/{agent}/events` as a WebSocket: the agent's screen-pops as JSON text frames.
/// `{agent}` is `me`, or for supervisors and admins any agent's extension (how `calldesk watch` works).
struct AgentEventsRoute {
    let store: CRMStore
    let sockets: LiveSockets

    /// The first frame on a connection: who is being watched.
    struct Hello: Encodable {
        let event = "hello"
        let agent: Agent
        struct Agent: Encodable { let id: Int; let name: String; let `extension`: String? }
    }

    /// Sent when the connection fell behind and `dropped` messages were lost; the cards still ringing follow.
    struct Resync: Encodable {
        let event = "resync"
        let dropped: Int
    }

    func register(on group: RouterGroup<APIRequestContext>) {
        // `{id}`, not `{agent}`: the router needs one name per position, and `/v1/agents/{id}/pause` shares it.
        group.ws("agents/{id}/events") { request, context in
            _ = try await target(context)
            let user = try context.requireUser()
            try sockets.checkRoom(for: user)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, wsContext in
            let context = wsContext.requestContext
            let agent = try await target(context)
            let hello = try Self.json(Hello(agent: .init(id: agent.id, name: agent.name, extension: agent.extension)))
            let mask = sockets.mask(for: try context.requireUser())
            try await sockets.serve([.agent(agent.id)], hello: hello, context: context, inbound: inbound, outbound: outbound) { message in
                switch message {
                case .screenPop(let pop): try Self.json(pop.seen(through: mask))
                case .resync(let dropped): try Self.json(Resync(dropped: dropped))
                case .agentBoard, .queueBoard, .notice: nil  // boards and notifications go to /v1/live
                }
            }
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder.api.encode(value), as: UTF8.self)
    }

    private func target(_ context: APIRequestContext) async throws -> User {
        let user = try context.requireUser()
        let requested = context.parameters.get("id") ?? "me"
        if requested == "me" || requested == user.extension { return user }
        // An agent out of reach is not found, exactly like one that does not exist.
        guard let agent = try await store.users().first(where: { $0.extension == requested }), user.access.mayFollow(agent) else {
            throw CRMError.notFound(entity: "agent with extension", id: requested)
        }
        return agent
    }
}

