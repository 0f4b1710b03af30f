import CRM
import CallCenter
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging

/// `GET /v1/agents/{agent}/events` as a WebSocket: the agent's screen-pops as JSON text frames.
/// `{agent}` is `me`, or for supervisors and admins any agent's extension (how `calldesk watch` works).
struct AgentEventsRoute {
    let store: CRMStore
    let hub: PopHub

    /// The first frame on a connection: who is being watched.
    struct Hello: Encodable {
        let event = "hello"
        let agent: Agent
        struct Agent: Encodable { let id: Int; let name: String; let `extension`: String? }
    }

    func register(on group: RouterGroup<APIRequestContext>) {
        group.ws("agents/{agent}/events") { request, context in
            _ = try await target(context)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, wsContext in
            let context = wsContext.requestContext
            let agent = try await target(context)
            let subscription = await hub.connect(agentID: agent.id)
            context.logger.info("agent events connected", metadata: ["agent": "\(agent.name)"])
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    let hello = Hello(agent: .init(id: agent.id, name: agent.name, extension: agent.extension))
                    try await outbound.write(.text(String(decoding: try JSONEncoder.api.encode(hello), as: UTF8.self)))
                    for await pop in subscription.pops {
                        try await outbound.write(.text(String(decoding: try JSONEncoder.api.encode(pop), as: UTF8.self)))
                    }
                }
                // Reading until the client closes; pings are answered by the WebSocket layer.
                for try await _ in inbound {}
                group.cancelAll()
            }
            await hub.disconnect(subscription)
            context.logger.info("agent events disconnected", metadata: ["agent": "\(agent.name)"])
        }
    }

    private func target(_ context: APIRequestContext) async throws -> User {
        let user = try context.requireUser()
        let requested = context.parameters.get("agent") ?? "me"
        if requested == "me" || requested == user.extension { return user }
        guard user.role != .agent else { throw APIError.forbidden("agents may only follow their own events (use /v1/agents/me/events)") }
        guard let agent = try await store.users().first(where: { $0.extension == requested }) else {
            throw CRMError.notFound(entity: "agent with extension", id: requested)
        }
        return agent
    }
}
