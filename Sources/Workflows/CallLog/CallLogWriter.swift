import CRM
import Foundation
import Logging
import Retrying
import Synchronization

/// Writes call-log entries in the background so the event path never waits on the database.
///
/// Entries for the same call are coalesced (each is the call's whole state, so the newest wins,
/// except that an end is never undone by a live state nor a seen hangup replaced by a blind end).
/// A write that fails for a transient reason (the database unreachable, a timeout) is put in the
/// journal, when there is one, and retried with backoff; one that fails for good (a constraint, bad
/// data) is set aside with its reason, counted, and the rest goes on. `finish()` lets the writer
/// drain and stop; a stop that runs out of time journals what is left instead of losing it.
final class CallLogWriter: Sendable {
    typealias EndedHandler = @Sendable (CRMStore.RecordedCall, CallEntry) async throws -> Void

    private struct State {
        var pending: [String: CallEntry] = [:]
        var order: [String] = []
        /// Keys whose queued state is already in the journal.
        var journaled: Set<String> = []
        /// The journal holds entries not yet known to be written.
        var journalDirty = false
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
        var abandoned = 0
        var setAside = 0
    }

    private let state = Mutex(State())
    private let store: CRMStore
    private let journal: CallLogJournal?
    private let onEnded: EndedHandler
    private let logger: Logger
    private let metrics: CallLogMetrics?
    /// Retries wait 100 ms, then twice as long each time, up to 5 s.
    private static let backoff = Backoff(base: .milliseconds(100), maximum: .seconds(5))
    /// Attempts for a failure of unknown kind before it is treated as permanent.
    private let unknownFailureAttempts = 8

    init(store: CRMStore, journal: CallLogJournal? = nil, logger: Logger, metrics: CallLogMetrics? = nil, onEnded: @escaping EndedHandler) {
        self.store = store
        self.journal = journal
        self.logger = logger
        self.metrics = metrics
        self.onEnded = onEnded
    }

    /// Queues the call's current state.
    func enqueue(_ entry: CallEntry) {
        let (waiter, backlog) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Int) in
            guard Self.queue(entry, in: &state) else { return (nil, state.pending.count) }
            defer { state.waiter = nil }
            return (state.waiter, state.pending.count)
        }
        metrics?.writeBacklog.record(backlog)
        waiter?.resume()
    }

    private static func queue(_ entry: CallEntry, in state: inout State) -> Bool {
        let key = entry.key
        if let queued = state.pending[key] {
            if keeps(queued, over: entry) { return false }
            state.pending[key] = entry
        } else {
            state.pending[key] = entry
            state.order.append(key)
        }
        state.journaled.remove(key)
        return true
    }

    /// Whether a queued entry stays rather than give way to a newer one for the same call, by the
    /// store's own rule: an end is never undone by a live state, and an end seen at the hangup is
    /// never replaced by a blind one (a resync or recovery that raced the hangup's write).
    static func keeps(_ queued: CallEntry, over newer: CallEntry) -> Bool {
        guard queued.status == .ended else { return false }
        return newer.status == .live || (queued.endedBy == .hangup && newer.endedBy != .hangup)
    }

    /// Entries queued and not yet written.
    var backlog: Int { state.withLock { $0.pending.count } }

    /// Entries given up on because the writer was cancelled while they could not be written and no journal kept them.
    var abandoned: Int { state.withLock { $0.abandoned } }

    /// Entries the database refused for good.
    var setAside: Int { state.withLock { $0.setAside } }

    /// Stops after everything queued so far is written.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Replays the journal (a previous run's unwritten calls), then writes until `finish()` and an empty queue.
    func run() async {
        replayJournal()
        while let batch = await nextBatch() {
            var allWritten = true
            for (index, entry) in batch.enumerated() {
                guard await write(entry) else {
                    // Cancelled (a stop that ran out of time): keep the rest of the batch and the queue on disk.
                    keepUnwritten(Array(batch[index...]))
                    allWritten = false
                    break
                }
            }
            if allWritten { clearJournalIfDone() }
        }
        let abandoned = self.abandoned
        if abandoned > 0 {
            logger.error("call log stopped with writes it could not make and no journal to keep them: calls already in the log are closed at the next start, calls not yet in it are missing",
                         metadata: ["entries": "\(abandoned)"])
        }
    }

    private func replayJournal() {
        guard let journal else { return }
        do {
            let (entries, unreadable) = try journal.entries()
            if unreadable > 0 { logger.warning("call-log journal has unreadable lines; skipped", metadata: ["lines": "\(unreadable)"]) }
            guard !entries.isEmpty else { return }
            state.withLock { state in
                for entry in entries where Self.queue(entry, in: &state) { state.journaled.insert(entry.key) }
                state.journalDirty = true
            }
            logger.notice("replaying the call-log journal", metadata: ["entries": "\(entries.count)", "file": "\(journal.path)"])
        } catch {
            logger.error("call-log journal could not be read; its calls stay in it for the next start", metadata: ["error": "\(error)"])
        }
    }

    private func nextBatch() async -> [CallEntry]? {
        while true {
            let taken = state.withLock { state -> [CallEntry]? in
                guard !state.order.isEmpty else { return state.finished || Task.isCancelled ? [] : nil }
                let batch = state.order.compactMap { state.pending[$0] }
                state.order.removeAll(keepingCapacity: true)
                state.pending.removeAll(keepingCapacity: true)
                return batch
            }
            if let taken {
                metrics?.writeBacklog.record(0)
                return taken.isEmpty ? nil : taken
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let resumeNow = state.withLock { state -> Bool in
                        if !state.order.isEmpty || state.finished || Task.isCancelled { return true }
                        state.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume()
            }
        }
    }

    /// Writes one entry and its after-call work; `false` only when a forced stop cut it off.
    private func write(_ entry: CallEntry) async -> Bool {
        switch await attempt("call log write", entry, { try await self.store.recordCall(entry) }) {
        case .cancelled:
            return false
        case .setAside:
            return true
        case .done(let recorded):
            if recorded.endedNow {
                // The end is written: a failed callback is filed by the next start's check for missed calls without one.
                _ = await attempt("after-call work", entry) { try await self.onEnded(recorded, entry) }
            }
            return true
        }
    }

    private enum Outcome<T> {
        case done(T), setAside, cancelled
    }

    /// Runs `body` until it succeeds, retrying transient failures with backoff (journaling the entry
    /// on the first one) and setting aside permanent ones; gives up only when the task is cancelled.
    private func attempt<T: Sendable>(_ what: String, _ entry: CallEntry, _ body: @Sendable () async throws -> T) async -> Outcome<T> {
        var attempts = 0
        while true {
            do {
                return .done(try await body())
            } catch {
                attempts += 1
                metrics?.writeFailures.increment()
                let kind = CRMDatabase.classify(error)
                let reason = CRMDatabase.explain(error)
                let metadata: Logger.Metadata = ["pbx": "\(entry.pbx)", "call": "\(entry.linkedID)", "error": "\(reason)"]
                if kind == .permanent || (kind == .unknown && attempts >= unknownFailureAttempts) {
                    setAside(entry, what: what, reason: reason, metadata: metadata)
                    return .setAside
                }
                guard !Task.isCancelled else { return .cancelled }
                if attempts == 1 { keepInJournal(entry) }
                let delay = Self.backoff.delay(attempt: attempts - 1)
                logger.error("\(what) failed; retrying in \(delay)", metadata: metadata)
                try? await Task.sleep(for: delay)
            }
        }
    }

    private func setAside(_ entry: CallEntry, what: String, reason: String, metadata: Logger.Metadata) {
        state.withLock { $0.setAside += 1 }
        metrics?.writesSetAside.increment()
        do {
            try journal?.setAside(entry, reason: "\(what): \(reason)")
        } catch {
            logger.error("could not keep a refused call-log write", metadata: metadata.merging(["journal": "\(error)"]) { $1 })
        }
        logger.error("\(what) refused by the database; set aside, the rest goes on", metadata: metadata.merging([
            "setAsideIn": "\(journal?.rejectedPath ?? "-")",
        ]) { $1 })
    }

    /// Puts an entry that could not be written yet in the journal, once per queued state.
    private func keepInJournal(_ entry: CallEntry) {
        guard let journal, !state.withLock({ $0.journaled.contains(entry.key) }) else { return }
        do {
            try journal.append([entry])
            state.withLock { state in
                state.journalDirty = true
                state.journaled.insert(entry.key)
            }
        } catch {
            logger.error("call-log journal write failed", metadata: ["error": "\(error)"])
        }
    }

    /// A forced stop: everything not written goes to the journal (or is counted as lost without one).
    private func keepUnwritten(_ batch: [CallEntry]) {
        let rest = state.withLock { state -> [CallEntry] in
            let rest = state.order.compactMap { state.pending[$0] }
            state.order.removeAll()
            state.pending.removeAll()
            return rest
        }
        let unwritten = batch + rest
        guard let journal else {
            state.withLock { $0.abandoned += unwritten.count }
            return
        }
        do {
            try journal.append(unwritten)
            logger.warning("call log stopped before the database took every write; they are in the journal for the next start",
                           metadata: ["entries": "\(unwritten.count)", "file": "\(journal.path)"])
        } catch {
            state.withLock { $0.abandoned += unwritten.count }
            logger.error("call-log journal write failed at stop", metadata: ["error": "\(error)", "entries": "\(unwritten.count)"])
        }
    }

    /// Everything queued was written: what the journal held is in the database now.
    private func clearJournalIfDone() {
        guard let journal else { return }
        let clear = state.withLock { state -> Bool in
            guard state.journalDirty, state.order.isEmpty else { return false }
            state.journalDirty = false
            state.journaled.removeAll()
            return true
        }
        guard clear else { return }
        do {
            try journal.clear()
        } catch {
            logger.error("call-log journal could not be emptied; replaying it later writes nothing twice", metadata: ["error": "\(error)"])
        }
    }
}

extension CallEntry {
    /// The call's identity across writes: PBX and `Linkedid`.
    var key: String { "\(pbx)/\(linkedID)" }
}
