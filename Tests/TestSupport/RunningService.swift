import Logging
import ServiceLifecycle

/// Failures of the test harness itself (not of the code under test).
public struct HarnessFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Runs the service `make` builds until `body` is done, handing `body` the port the service
/// reported through its `onRunning` callback; then shuts it down gracefully.
public func withRunningService<S: Service, T: Sendable>(
    _ make: (@escaping @Sendable (Int) async -> Void) -> S,
    _ body: (Int) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    var logger = Logger(label: "calldesk.test.service")
    logger.logLevel = .critical
    let group = ServiceGroup(configuration: .init(services: [make { continuation.yield($0) }], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessFailure("the service never reported its port") }
        do {
            let result = try await body(port)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
    }
}
