import CRM
import Foundation
import Logging
import Synchronization

/// Writes call-log entries in the background so the event loop never waits on the database.
///
/// Entries for the same call are coalesced (each is the call's whole state, so the newest wins,
/// except that an end is never undone by a live state nor a seen hangup replaced by a blind end). A failed write is retried with
/// backoff until it succeeds; `finish()` lets the writer drain and stop. Only cancellation (a stop that ran out of
/// time) gives up on entries, and says how many: calls already in the log are closed by the next start's
/// recovery; a call not yet in it is missing.
final class CallLogWriter: Sendable {
    typealias EndedHandler = @Sendable (CRMStore.RecordedCall, CallEntry) async throws -> Void

    private struct State {
        var pending: [String: CallEntry] = [:]
        var order: [String] = []
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
        var abandoned = 0
    }

    private let state = Mutex(State())
    private let store: CRMStore
    private let onEnded: EndedHandler
    private let logger: Logger
    private let metrics: CallLogMetrics?

    init(store: CRMStore, logger: Logger, metrics: CallLogMetrics? = nil, onEnded: @escaping EndedHandler) {
        self.store = store
        self.logger = logger
        self.metrics = metrics
        self.onEnded = onEnded
    }

    /// Queues the call's current state.
    func enqueue(_ entry: CallEntry) {
        let (waiter, backlog) = state.withLock { state -> (CheckedContinuation<Void, Never>?, Int) in
            let key = "\(entry.pbx)/\(entry.linkedID)"
            if let queued = state.pending[key] {
                if Self.keeps(queued, over: entry) { return (nil, state.pending.count) }
                state.pending[key] = entry
            } else {
                state.pending[key] = entry
                state.order.append(key)
            }
            defer { state.waiter = nil }
            return (state.waiter, state.pending.count)
        }
        metrics?.writeBacklog.record(backlog)
        waiter?.resume()
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

    /// Entries given up on because the writer was cancelled while they could not be written.
    var abandoned: Int { state.withLock { $0.abandoned } }

    /// Stops after everything queued so far is written.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Writes until `finish()` and an empty queue.
    func run() async {
        while let batch = await nextBatch() {
            for entry in batch { await write(entry) }
        }
        let abandoned = self.abandoned
        if abandoned > 0 {
            logger.error("call log stopped with writes it could not make: calls already in the log are closed at the next start, calls not yet in it are missing",
                         metadata: ["entries": "\(abandoned)"])
        }
    }

    private func nextBatch() async -> [CallEntry]? {
        while true {
            let taken = state.withLock { state -> [CallEntry]? in
                guard !state.order.isEmpty else { return state.finished ? [] : nil }
                let batch = state.order.compactMap { state.pending[$0] }
                state.order.removeAll(keepingCapacity: true)
                state.pending.removeAll(keepingCapacity: true)
                return batch
            }
            if let taken {
                metrics?.writeBacklog.record(0)
                return taken.isEmpty ? nil : taken
            }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.order.isEmpty || state.finished { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }

    private func write(_ entry: CallEntry) async {
        guard let recorded = await retrying("call log write", entry, { try await self.store.recordCall(entry) }) else { return }
        if recorded.endedNow {
            _ = await retrying("after-call work", entry) { try await self.onEnded(recorded, entry) }
        }
    }

    /// Runs `body` until it succeeds; gives up only when the task is cancelled (a forced stop).
    private func retrying<T: Sendable>(_ what: String, _ entry: CallEntry, _ body: @Sendable () async throws -> T) async -> T? {
        var delay = Duration.milliseconds(100)
        while true {
            do {
                return try await body()
            } catch {
                metrics?.writeFailures.increment()
                let metadata: Logger.Metadata = ["pbx": "\(entry.pbx)", "call": "\(entry.linkedID)", "error": "\(error)"]
                guard !Task.isCancelled else {
                    logger.error("\(what) abandoned by a forced stop", metadata: metadata)
                    state.withLock { $0.abandoned += 1 }
                    return nil
                }
                logger.error("\(what) failed; retrying in \(delay)", metadata: metadata)
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }
}
