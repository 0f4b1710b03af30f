import CRM
import Logging
import Synchronization

/// Keeps every open event socket's token honest with one query per round for all of them (500
/// agents' pages were 500 queries every 2 s): a socket whose token is revoked or expired, or whose
/// user is disabled (here, by the CLI, or by another daemon), is ended within `every`. A database
/// that is away for a moment keeps the sockets open.
final class SocketWatch: Sendable {
    private struct Watched {
        let token: String
        let userID: Int
        let ended: AsyncStream<Void>.Continuation
    }

    private let store: CRMStore
    private let every: Duration
    private let logger: Logger
    private let watched = Mutex<(next: Int, all: [Int: Watched])>((0, [:]))

    init(store: CRMStore, every: Duration, logger: Logger) {
        self.store = store
        self.every = every
        self.logger = logger
    }

    /// Returns once `token` stops working for `userID`, or when the calling task is cancelled.
    func untilInvalid(token: String, userID: Int) async {
        let (ended, continuation) = AsyncStream.makeStream(of: Void.self)
        let id = watched.withLock { state in
            state.next += 1
            state.all[state.next] = Watched(token: token, userID: userID, ended: continuation)
            return state.next
        }
        // However the wait ends (the token stopped working, the socket closed and cancelled it), the entry goes.
        defer { _ = watched.withLock { $0.all.removeValue(forKey: id) } }
        for await _ in ended { return }
    }

    /// Checks the open sockets' tokens every `every` until cancelled (the API server's shutdown).
    func run() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: every)
            } catch {
                return
            }
            await checkOnce()
        }
    }

    /// One round: one query for the distinct tokens of the open sockets.
    func checkOnce() async {
        let open = watched.withLock { Array($0.all.values) }
        guard !open.isEmpty else { return }
        let holders: [String: Int]
        do {
            holders = try await store.tokenHolders(Set(open.map(\.token)))
        } catch {
            logger.warning("event sockets' tokens not checked: the database did not answer", metadata: ["error": "\(error)"])
            return
        }
        for socket in open where holders[socket.token] != socket.userID {
            socket.ended.yield()
            socket.ended.finish()
        }
    }
}
