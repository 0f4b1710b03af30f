import PostgresKit
import Logging
import NIOCore
import Synchronization

/// Wraps a pool's connection source to count connections still being opened.
///
/// AsyncKit's pool may start opening a connection for a request that another connection then
/// serves, and its `close()` does not wait for such opens. Shutting the event loops down under an
/// opening PostgreSQL connection trips PostgresNIO's "deinitialized before being closed" check, so
/// `CRMDatabase.shutdown()` waits for this count to reach zero first (the pool closes late arrivals).
struct OpeningCountingSource<Base: ConnectionPoolSource>: ConnectionPoolSource where Base.Connection: SendableMetatype {
    typealias Connection = Base.Connection

    let base: Base
    let opening: OpeningCounter

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<Connection> {
        let opening = self.opening
        opening.count.withLock { $0 += 1 }
        let future = base.makeConnection(logger: logger, on: eventLoop)
        future.whenComplete { _ in opening.count.withLock { $0 -= 1 } }
        return future
    }
}

/// How many connections are being opened right now.
final class OpeningCounter: Sendable {
    let count = Mutex(0)

    /// Waits until no connection is being opened, checking every 10 ms, for at most `limit`.
    func settle(limit: Duration) async {
        let deadline = ContinuousClock.now + limit
        while count.withLock({ $0 }) > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
