import AMI
import AsyncHTTPClient
import CRM
import DaemonFixture
import Workflows
import App
import Foundation
import HummingbirdWSClient
import Logging
import NIOPosix
import PBXSimulator
import TestSupport

/// A CallDesk daemon (AMI client, call log, HTTP API) against a simulated PBX on loopback, with a
/// seeded CRM: agents 1001 (王芳) and 1002 (赵强), a supervisor, and customer 李雷 on 13800138000.
struct DaemonHarness: Sendable {
    let store: CRMStore
    let pbx: SimulatedPBX
    let server: SimulatedAMIServer
    let ami: AMIClient
    let hub: LiveHub
    let httpPort: Int
    let alice: (user: User, token: String)
    let bob: (user: User, token: String)
    let supervisor: (user: User, token: String)
    /// Sees every call (the harness's own view of the log).
    let admin: User
    let adminToken: String
    let knownCustomer: Int
    static let knownNumber = "13800138000"

    static let logger: Logger = {
        var logger = Logger(label: "calldesk.test")
        logger.logLevel = ProcessInfo.processInfo.environment["CALLDESK_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }()

    static func run(_ engine: TestEngine, simulator: SimulatorConfiguration,
                    callLog: CallLogConfiguration = CallLogConfiguration(),
                    monitor: MonitorConfiguration = MonitorConfiguration(),
                    reconnectDelay: Duration = .milliseconds(50),
                    prepare: @Sendable (CRMStore) async throws -> Void = { _ in },
                    afterShutdown: @Sendable (CRMStore) async throws -> Void = { _ in },
                    _ body: @Sendable (DaemonHarness) async throws -> Void) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let alice = try await store.addUser(name: "王芳", role: .agent, extension: "1001", team: "hotline")
            let bob = try await store.addUser(name: "赵强", role: .agent, extension: "1002", team: "hotline")
            let supervisor = try await store.addUser(name: "主管", role: .supervisor, team: "hotline")
            let (admin, adminToken) = try await store.addUser(name: "管理员", role: .admin)
            let number = store.normalizer.normalize(knownNumber).phoneNumber!
            let customer = try await store.createCustomer(NewCustomer(
                name: "李雷", ownerID: alice.user.id, phones: [(knownNumber, number)], grade: .a,
                vehicles: [NewVehicle(vin: "LSVAB4BR1EN000001", model: "Passat", plate: "沪A12345", policyExpiry: "2027-01-15")]))
            try await prepare(store)

            try await DaemonFixture.run(store: store, simulator: simulator, callLog: callLog, monitor: monitor, reconnectDelay: reconnectDelay,
                                        logger: logger) { fixture in
                let harness = DaemonHarness(store: store, pbx: fixture.pbx, server: fixture.server, ami: fixture.ami, hub: fixture.hub,
                                            httpPort: fixture.httpPort, alice: alice, bob: bob, supervisor: supervisor, admin: admin, adminToken: adminToken,
                                            knownCustomer: customer)
                try await body(harness)
            }
            try await afterShutdown(store)
        }
    }

    /// Polls `condition` every 20 ms; fails after `timeout`.
    func waitUntil(_ what: String, timeout: Duration = .seconds(10), _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw HarnessError(message: "timed out waiting for: \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Every call in the log, newest first.
    func calls() async throws -> [StoredCall] {
        try await store.calls(CallFilter(limit: 1000), visibleTo: admin)
    }

    /// Waits until the log holds `count` ended calls and returns them.
    func endedCalls(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [StoredCall] {
        do {
            try await waitUntil("\(count) ended calls", timeout: timeout) { try await calls().filter { $0.status == .ended }.count >= count }
        } catch {
            let seen = try await calls().map { "\($0.linkedID) \($0.status) \($0.result?.rawValue ?? "-") rung \($0.agentsRung)" }
            throw HarnessError(message: "\(error); the log has: \(seen.joined(separator: "; "))")
        }
        return try await calls()
    }

    /// The lines of `/metrics` (no token needed).
    func metricLines() async throws -> Set<String> {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(httpPort)/metrics"), timeout: .seconds(10))
        guard response.status == .ok else { throw HarnessError(message: "/metrics answered \(response.status)") }
        let body = try await response.body.collect(upTo: 1 << 20)
        return Set(String(buffer: body).split(separator: "\n").map(String.init))
    }

    /// Opens the agent-events WebSocket with `token`, hands `body` the decoded messages, then closes it.
    func withPops<T: Sendable>(token: String, agent: String = "me", path: String? = nil,
                               _ body: @Sendable (PopReader) async throws -> T) async throws -> T {
        let (messages, messageContinuation) = AsyncStream.makeStream(of: String.self)
        let (closeRequests, closeContinuation) = AsyncStream.makeStream(of: Void.self)
        let url = "ws://127.0.0.1:\(httpPort)\(path ?? "/v1/agents/\(agent)/events")?token=\(token)"
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                defer { messageContinuation.finish() }
                try await WebSocketClient.connect(url: url, logger: Self.logger) { inbound, outbound, _ in
                    try await withThrowingTaskGroup(of: Void.self) { socket in
                        socket.addTask {
                            for try await message in inbound.messages(maxSize: 1 << 20) {
                                if case .text(let text) = message { messageContinuation.yield(text) }
                            }
                        }
                        for await _ in closeRequests { break }
                        try await outbound.close(.normalClosure, reason: nil)
                        try await socket.waitForAll()
                    }
                }
                return nil
            }
            let reader = PopReader(messages: messages)
            let result: T
            do {
                try await reader.expectHello()
                result = try await body(reader)
            } catch {
                closeContinuation.yield()
                closeContinuation.finish()
                group.cancelAll()
                throw error
            }
            closeContinuation.yield()
            closeContinuation.finish()
            try await group.waitForAll()
            return result
        }
    }
}

/// Reads an agent-events WebSocket's messages in order.
final class PopReader: Sendable {
    private let iterator: IteratorBox

    private final class IteratorBox: @unchecked Sendable {
        var iterator: AsyncStream<String>.Iterator
        init(_ stream: AsyncStream<String>) { iterator = stream.makeAsyncIterator() }
    }

    init(messages: AsyncStream<String>) {
        iterator = IteratorBox(messages)
    }

    func expectHello() async throws {
        guard let first = await iterator.iterator.next(), first.contains("\"event\":\"hello\"") else {
            throw HarnessError(message: "the socket did not greet")
        }
    }

    /// The next pop; fails when the socket closes or nothing comes within `timeout`.
    func next(timeout: Duration = .seconds(10)) async throws -> ScreenPop {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(ScreenPop.self, from: Data(try await nextText(timeout: timeout).utf8))
    }

    /// Reads messages until one satisfies `matches` (a JSON object); fails when none does within `timeout`.
    func first(_ what: String, within timeout: Duration = .seconds(10), where matches: @Sendable ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + timeout
        var seen: [String] = []
        while true {
            let left = deadline - .now
            guard left > .zero else { throw HarnessError(message: "no \(what) within \(timeout); the last messages: \(seen.suffix(4))") }
            let text: String
            do {
                text = try await nextText(timeout: left)
            } catch {
                throw HarnessError(message: "no \(what) within \(timeout); the last messages: \(seen.suffix(4))")
            }
            seen.append(text)
            if let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], matches(object) { return object }
        }
    }

    /// The next message's text; fails when the socket closes or nothing comes within `timeout`.
    func nextText(timeout: Duration = .seconds(10)) async throws -> String {
        let box = iterator
        let text = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { await box.iterator.next() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw HarnessError(message: "no pop within \(timeout)")
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let text else { throw HarnessError(message: "the socket closed") }
        return text
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
