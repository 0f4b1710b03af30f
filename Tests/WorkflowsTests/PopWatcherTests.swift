@testable import calldesk
import App
import PBXSimulator
import Synchronization
import TestSupport
import Testing

@Suite("calldesk watch: an agent's pops as lines in a terminal", .timeLimit(.minutes(2)))
struct PopWatcherTests {
    /// Lines a watcher printed, for a test to wait on.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test("a supervisor watching extension 1001 sees the greeting, the ringing card and the answer", arguments: TestEngine.available)
    func supervisorWatchesAnAgent(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: ScreenPopTests.oneAgent()) { daemon in
            let watcher = try PopWatcher(baseURL: "http://127.0.0.1:\(daemon.httpPort)", agent: "1001", token: daemon.supervisor.token)
            let lines = Lines()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await watcher.run { lines.append($0) } }
                try await daemon.waitUntil("the greeting") { lines.all.count == 1 }
                daemon.pbx.placeInboundCall(callerNumber: "0" + DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
                try await daemon.waitUntil("ringing and answered") { lines.all.count >= 3 }
                group.cancelAll()
            }
            let printed = lines.all
            #expect(printed[0] == "watching 王芳 (1001)'s screen-pops on http://127.0.0.1:\(daemon.httpPort); Ctrl-C stops")
            #expect(printed[1].hasPrefix("📞 1001 ringing: 李雷 (A, owner 王芳, Passat 沪A12345, policy 2027-01-15) +8613800138000, hotline"))
            #expect(printed[2] == "   1001: call from +8613800138000 answered by 1001")
        }
    }

    @Test("an agent's token may not watch someone else: the refusal says why", arguments: TestEngine.available)
    func agentMayNotWatchOthers(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: ScreenPopTests.oneAgent()) { daemon in
            let base = "http://127.0.0.1:\(daemon.httpPort)"
            let watcher = try PopWatcher(baseURL: base, agent: "1001", token: daemon.bob.token)
            await #expect(throws: WatchError.refused(url: base, agent: "1001")) { try await watcher.run { _ in } }
            let wrongToken = try PopWatcher(baseURL: base, agent: "me", token: "not-a-token")
            await #expect(throws: WatchError.refused(url: base, agent: "me")) { try await wrongToken.run { _ in } }
        }
    }

    @Test("a missing token, a URL that is not http, and a daemon that is not there give clear errors")
    func badArguments() async throws {
        #expect(throws: WatchError.missingToken) { try PopWatcher(baseURL: "http://127.0.0.1:8080", agent: "me", token: nil) }
        #expect(throws: WatchError.missingToken) { try PopWatcher(baseURL: "http://127.0.0.1:8080", agent: "me", token: "") }
        #expect(throws: WatchError.badURL("ftp://127.0.0.1")) { try PopWatcher(baseURL: "ftp://127.0.0.1", agent: "me", token: "t") }
        let nobody = try PopWatcher(baseURL: "http://127.0.0.1:1", agent: "me", token: "t")
        let error = await #expect(throws: WatchError.self) { try await nobody.run { _ in } }
        guard case .unreachable(let url, _)? = error else { Issue.record("expected unreachable, got \(String(describing: error))"); return }
        #expect(url == "http://127.0.0.1:1")
        #expect(error?.description.contains("Is the daemon running there?") == true)
    }
}
