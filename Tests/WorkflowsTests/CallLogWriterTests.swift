@testable import Workflows
import CRM
import Foundation
import Synchronization
import Telephony
import TestSupport
import Testing

@Suite("Call log writer: coalescing queued states of one call")
struct CallLogWriterTests {
    /// The hangup's end, then a recovery's blind end for the same call queued before the first is written.
    private static func racingEnds() -> (seen: CallEntry, blind: CallEntry) {
        var seen = CallEntry(pbx: "main", linkedID: "5.1", direction: .inbound, status: .ended)
        seen.caller = "13800138000"
        seen.ringAt = Date(timeIntervalSince1970: 1_000)
        seen.answerAt = Date(timeIntervalSince1970: 1_004)
        seen.endAt = Date(timeIntervalSince1970: 1_060)
        seen.result = .answered
        seen.endedBy = .hangup
        var blind = CallEntry(pbx: "main", linkedID: "5.1", direction: .inbound, status: .ended)
        blind.endAt = Date(timeIntervalSince1970: 1_010)
        blind.result = .noAnswer
        blind.endedBy = .recovery
        return (seen, blind)
    }

    @Test("a recovery's blind end queued after the hangup's end does not replace it, and the call ends once", arguments: TestEngine.available)
    func blindEndNeverReplacesSeenEnd(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let ended = Mutex<[String]>([])
            let writer = CallLogWriter(store: store, logger: TestDatabase.logger) { _, entry in
                ended.withLock { $0.append(entry.result?.rawValue ?? "-") }
            }
            let (seen, blind) = Self.racingEnds()
            writer.enqueue(seen)
            writer.enqueue(blind)
            writer.finish()
            await writer.run()
            let supervisor = try await store.addUser(name: "主管", role: .supervisor).user
            let calls = try await store.calls(CallFilter(limit: 10), visibleTo: supervisor)
            #expect(calls.count == 1)
            #expect(calls.first?.result == .answered && calls.first?.endedBy == .hangup && calls.first?.endAt == seen.endAt)
            #expect(ended.withLock { $0 } == ["answered"])
        }
    }

    @Test("newer states of a call replace queued ones, but an end is never undone by a live state")
    func coalescingRule() {
        let (seen, blind) = Self.racingEnds()
        var live = CallEntry(pbx: "main", linkedID: "5.1", direction: .inbound, status: .live)
        live.ringAt = seen.ringAt
        var hangupLater = blind
        hangupLater.endedBy = .hangup
        #expect(CallLogWriter.keeps(seen, over: live))
        #expect(CallLogWriter.keeps(seen, over: blind))
        #expect(!CallLogWriter.keeps(blind, over: hangupLater))
        #expect(!CallLogWriter.keeps(live, over: seen))
        #expect(!CallLogWriter.keeps(live, over: live))
    }

    @Test("a writer cancelled while the database is unreachable gives up on its entries and counts them")
    func cancelledWhileUnreachable() async throws {
        // Nothing listens on port 1: every write fails at once, and without cancellation would be retried for ever.
        let store = try await CRMStore.open(location: .postgres(url: "postgres://calldesk@127.0.0.1:1/calldesk", schema: nil),
                                            normalizer: PhoneNormalizer(plan: .china), logger: TestDatabase.logger, migrate: false)
        let writer = CallLogWriter(store: store, logger: TestDatabase.logger) { _, _ in }
        let (seen, _) = Self.racingEnds()
        var other = seen
        other.linkedID = "5.2"
        writer.enqueue(seen)
        writer.enqueue(other)
        writer.finish()
        let running = Task { await writer.run() }
        try await Task.sleep(for: .milliseconds(300))
        running.cancel()
        await running.value
        #expect(writer.abandoned == 2 && writer.backlog == 0)
        await store.close()
    }
}
