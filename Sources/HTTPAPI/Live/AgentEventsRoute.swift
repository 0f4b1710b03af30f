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
    /// How many sockets a user may hold, and how often an open one checks its token.
    struct Limits: Sendable {
        var maxPerUser: Int
        var recheck: Duration
    }

    let store: CRMStore
    let hub: LiveHub
    let limits: Limits
    private let open = SocketCount()

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
            let user = try context.requireUser()
            guard open.count(of: user.id) < limits.maxPerUser else {
                throw APIError(.tooManyRequests, code: "too_many_sockets",
                               message: "\(user.name) already has \(limits.maxPerUser) event sockets open; close one first")
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, wsContext in
            let context = wsContext.requestContext
            let agent = try await target(context)
            let viewer = try context.requireUser()
            guard open.take(viewer.id, limit: limits.maxPerUser) else { return }
            defer { open.release(viewer.id) }
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
                            case .agentBoard, .queueBoard: continue  // boards go to /v1/live
                            }
                        }
                    }
                    group.addTask {
                        // Reading until the client closes; pings are answered by the WebSocket layer.
                        for try await _ in inbound {}
                    }
                    group.addTask {
                        // A token revoked or a user disabled (here or by the CLI) ends the socket within `recheck`.
                        // A database that is away for a moment keeps the socket open.
                        while let token = context.token {
                            try await Task.sleep(for: limits.recheck)
                            guard (try? await store.user(forToken: token)).map({ $0?.id == viewer.id }) ?? true else { break }
                        }
                        context.logger.notice("event socket closed: its token or user is no longer valid", metadata: ["agent": "\(agent.name)"])
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

/// Event sockets open per user, so that one user cannot hold an unbounded number.
final class SocketCount: Sendable {
    private let counts = Mutex<[Int: Int]>([:])

    func count(of user: Int) -> Int { counts.withLock { $0[user] ?? 0 } }

    /// Takes a slot for `user` if fewer than `limit` are taken.
    func take(_ user: Int, limit: Int) -> Bool {
        counts.withLock { counts in
            guard (counts[user] ?? 0) < limit else { return false }
            counts[user, default: 0] += 1
            return true
        }
    }

    func release(_ user: Int) {
        counts.withLock { counts in
            counts[user] = max(0, (counts[user] ?? 1) - 1)
            if counts[user] == 0 { counts[user] = nil }
        }
    }
}
