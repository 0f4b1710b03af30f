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
            let supervisor = try await store.addUser(name: "主管", role: .admin).user
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

    private static func journalDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-journal-\(UUID().uuidString.prefix(8))").path
    }

    @Test("a write the database refuses for good is set aside with its reason, and the writes behind it go on", arguments: TestEngine.available)
    func permanentFailureIsSetAside(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let journal = try CallLogJournal(directory: Self.journalDirectory(), pbx: "main")
            let writer = CallLogWriter(store: store, journal: journal, logger: TestDatabase.logger) { _, _ in }
            var refused = Self.racingEnds().seen
            refused.linkedID = "7.1"
            refused.customerIDs = [987_654]  // no such customer: a foreign-key violation every time
            var fine = Self.racingEnds().seen
            fine.linkedID = "7.2"
            writer.enqueue(refused)
            writer.enqueue(fine)
            writer.finish()
            await writer.run()
            let supervisor = try await store.addUser(name: "主管", role: .admin).user
            #expect(try await store.calls(CallFilter(limit: 10), visibleTo: supervisor).map(\.linkedID) == ["7.2"])
            #expect(writer.setAside == 1 && writer.abandoned == 0)
            let kept = try String(contentsOfFile: journal.rejectedPath, encoding: .utf8)
            #expect(kept.contains("\"linkedID\":\"7.1\"") && kept.contains("reason"))
            #expect(try journal.entries().entries.isEmpty)
        }
    }

    @Test("failures are sorted: an unreachable database is transient, bad input and undecodable data permanent")
    func failureKinds() {
        #expect(CRMDatabase.classify(CRMError.databaseUnavailable(location: "x", underlying: "refused")) == .transient)
        #expect(CRMDatabase.classify(CRMError.invalidInput(field: "phone", value: "x", reason: "y")) == .permanent)
        #expect(CRMDatabase.classify(DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "x"))) == .permanent)
    }

    @Test("a stop while the database is unreachable keeps the unwritten calls in the journal; the next writer writes them once and empties it",
          arguments: TestEngine.available)
    func journalCarriesWritesAcrossAStop(_ engine: TestEngine) async throws {
        let directory = Self.journalDirectory()
        let unreachable = try await CRMStore.open(location: .postgres(url: "postgres://calldesk@127.0.0.1:1/calldesk", schema: nil),
                                                  normalizer: PhoneNormalizer(plan: .china), logger: TestDatabase.logger, migrate: false)
        let stopped = CallLogWriter(store: unreachable, journal: try CallLogJournal(directory: directory, pbx: "main"), logger: TestDatabase.logger) { _, _ in }
        var entries: [CallEntry] = []
        for index in 1...3 {
            var entry = Self.racingEnds().seen
            entry.linkedID = "8.\(index)"
            entries.append(entry)
            stopped.enqueue(entry)
        }
        stopped.finish()
        let running = Task { await stopped.run() }
        try await Task.sleep(for: .milliseconds(300))
        running.cancel()
        await running.value
        await unreachable.close()
        #expect(stopped.abandoned == 0 && stopped.backlog == 0)
        #expect(Set(try CallLogJournal(directory: directory, pbx: "main").entries().entries.map(\.linkedID)) == ["8.1", "8.2", "8.3"])

        try await TestDatabase.withStore(engine) { store in
            let journal = try CallLogJournal(directory: directory, pbx: "main")
            let ended = Mutex(0)
            let writer = CallLogWriter(store: store, journal: journal, logger: TestDatabase.logger) { _, _ in ended.withLock { $0 += 1 } }
            writer.finish()
            await writer.run()
            let supervisor = try await store.addUser(name: "主管", role: .admin).user
            let calls = try await store.calls(CallFilter(limit: 10), visibleTo: supervisor)
            #expect(calls.map(\.linkedID).sorted() == ["8.1", "8.2", "8.3"] && calls.allSatisfy { $0.result == .answered })
            #expect(ended.withLock { $0 } == 3)
            #expect(try journal.entries().entries.isEmpty)
        }
    }
}
