import CRM
import EventLoopExecutors
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Synchronization
import Vocabulary
import Workflows

/// What every live WebSocket shares: a cap on the sockets one user holds (of every kind together),
/// the subscription that ends however the socket does, and the watch that closes a socket soon
/// after its token is revoked or its user disabled.
struct LiveSockets: Sendable {
    /// How many sockets a user may hold.
    struct Limits: Sendable {
        var maxPerUser: Int
    }

    let hub: LiveHub
    let limits: Limits
    /// Ends a socket soon after its token stops working.
    let watch: SocketWatch
    /// Roles that see phone numbers masked, on the sockets as in the API.
    let maskedRoles: Set<UserRole>
    private let open = SocketCount()

    init(hub: LiveHub, limits: Limits, maskedRoles: Set<UserRole>, watch: SocketWatch) {
        self.hub = hub
        self.limits = limits
        self.maskedRoles = maskedRoles
        self.watch = watch
    }

    /// How `user` sees phone numbers.
    func mask(for user: User) -> PhoneMask { PhoneMask(role: user.role, maskedRoles: maskedRoles) }

    /// Refuses an upgrade (429) when `user` already holds as many sockets as allowed.
    func checkRoom(for user: User) throws {
        guard open.count(of: user.id) < limits.maxPerUser else {
            throw APIError(.tooManyRequests, code: "too_many_sockets",
                           message: "\(user.name) already has \(limits.maxPerUser) event sockets open; close one first")
        }
    }

    /// Sends `hello`, then each message on `topics` that `encode` turns into text, until the client
    /// closes, a write fails, or the token stops working.
    func serve(_ topics: Set<LiveTopic>, hello: String, context: APIRequestContext, inbound: WebSocketInboundStream,
               outbound: WebSocketOutboundWriter, encode: @escaping @Sendable (LiveMessage) throws -> String?) async throws {
        let viewer = try context.requireUser()
        guard open.take(viewer.id, limit: limits.maxPerUser) else { return }
        defer { open.release(viewer.id) }
        context.logger.info("live socket connected", metadata: ["user": "\(viewer.id)", "topics": "\(topics.map(\.description).sorted())"])
        defer { context.logger.info("live socket disconnected", metadata: ["user": "\(viewer.id)"]) }
        // The socket's tasks run on its own event loop: a message published for it wakes that loop
        // alone, and is written from there, with no thread of the global pool in between.
        try await withTaskExecutorPreference(EventLoopTaskExecutor(context.channel.eventLoop)) {
            // The subscription ends however the socket does: a close, a reset, a failed write.
            try await hub.withSubscription(topics) { subscription in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await outbound.write(.text(hello))
                        for await message in subscription {
                            if let text = try encode(message) { try await outbound.write(.text(text)) }
                        }
                    }
                    group.addTask {
                        // Reading until the client closes; pings are answered by the WebSocket layer.
                        for try await _ in inbound {}
                    }
                    if let token = context.token {
                        group.addTask { [watch] in
                            // A token revoked or a user disabled (here, by the CLI, by another daemon) ends the socket within the watch's round.
                            await watch.untilInvalid(token: token, userID: viewer.id)
                            guard !Task.isCancelled else { return }
                            context.logger.notice("live socket closed: its token or user is no longer valid", metadata: ["user": "\(viewer.id)"])
                        }
                    }
                    // Whichever side ends first ends the connection.
                    defer { group.cancelAll() }
                    try await group.next()
                }
            }
        }
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
