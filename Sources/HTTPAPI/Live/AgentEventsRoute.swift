import CRM
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Workflows

/// `GET /v1/agents/{agent}/events` as a WebSocket: the agent's screen-pops as JSON text frames.
/// `{agent}` is `me`, or for supervisors and admins any agent's extension (how `calldesk watch` works).
struct AgentEventsRoute {
    let store: CRMStore
    let hub: LiveHub

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
        group.ws("agents/{agent}/events") { request, context in
            _ = try await target(context)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, wsContext in
            let context = wsContext.requestContext
            let agent = try await target(context)
            context.logger.info("agent events connected", metadata: ["agent": "\(agent.name)"])
            defer { context.logger.info("agent events disconnected", metadata: ["agent": "\(agent.name)"]) }
            // The subscription ends however the socket does: a close, a reset, a failed write.
            try await hub.withSubscription([.agent(agent.id)]) { subscription in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        let hello = Hello(agent: .init(id: agent.id, name: agent.name, extension: agent.extension))
                        try await outbound.write(.text(try Self.json(hello)))
                        for await message in subscription {
                            switch message {
                            case .screenPop(let pop): try await outbound.write(.text(try Self.json(pop)))
                            case .resync(let dropped): try await outbound.write(.text(try Self.json(Resync(dropped: dropped))))
                            }
                        }
                    }
                    group.addTask {
                        // Reading until the client closes; pings are answered by the WebSocket layer.
                        for try await _ in inbound {}
                    }
                    // Whichever side ends first ends the connection.
                    defer { group.cancelAll() }
                    try await group.next()
                }
            }
        }
    }

    private static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder.api.encode(value), as: UTF8.self)
    }

    private func target(_ context: APIRequestContext) async throws -> User {
        let user = try context.requireUser()
        let requested = context.parameters.get("agent") ?? "me"
        if requested == "me" || requested == user.extension { return user }
        // An agent out of reach is not found, exactly like one that does not exist.
        guard let agent = try await store.users().first(where: { $0.extension == requested }), user.access.mayFollow(agent) else {
            throw CRMError.notFound(entity: "agent with extension", id: requested)
        }
        return agent
    }
}
