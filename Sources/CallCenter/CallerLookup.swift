import CRM
import Logging
import Metrics

/// Finds who is on each call's outside number while the call is still being set up (the greeting,
/// the queue's first ring), so that the screen-pop at `AgentCalled` finds the cards ready.
///
/// Lookups run concurrently in `run()`, never on the AMI event path; a caller of `identity(of:)`
/// waits only for its own call's lookup.
actor CallerLookup {
    /// Who a number belongs to.
    struct Identity: Sendable {
        var number: String?
        var e164: String?
        var customers: [CustomerMatch] = []
        /// The customers' cards, as a pop shows them; `nil` when they could not be read.
        var cards: [CustomerCard]?
    }

    private struct Request: Sendable {
        let linkedID: String
        let number: String?
    }

    private enum Entry {
        case pending(number: String?, waiters: [CheckedContinuation<Identity, Never>], forget: Bool)
        case done(Identity)
    }

    private let store: CRMStore
    private let logger: Logger
    private var entries: [String: Entry] = [:] {
        didSet { held?.record(entries.count) }
    }
    private let held: Gauge?
    private let requests: AsyncStream<Request>
    private let submit: AsyncStream<Request>.Continuation

    init(store: CRMStore, logger: Logger, held: Gauge? = nil) {
        self.store = store
        self.logger = logger
        self.held = held
        (requests, submit) = AsyncStream.makeStream(of: Request.self)
    }

    /// Lookups in progress or kept for live calls.
    var count: Int { entries.count }

    /// Runs the lookups until `finish()`; those already started complete first.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await request in requests {
                group.addTask { [store, logger] in
                    let identity = await Self.fetch(request, store: store, logger: logger)
                    await self.complete(request.linkedID, with: identity)
                }
            }
        }
    }

    /// No more lookups will be asked for.
    nonisolated func finish() { submit.finish() }

    /// Starts looking up `number` for the call, unless that number is already looked up or being looked up.
    func begin(linkedID: String, number: String?) {
        switch entries[linkedID] {
        case .pending(number, _, _)?:
            return
        case .done(let identity)? where identity.number == number:
            return
        case .pending(_, let waiters, let forget)?:
            entries[linkedID] = .pending(number: number, waiters: waiters, forget: forget)
        case .done?, nil:
            entries[linkedID] = .pending(number: number, waiters: [], forget: false)
        }
        submit.yield(Request(linkedID: linkedID, number: number))
    }

    /// The call's identity once its newest lookup is done; `nil` when none was started.
    func identity(of linkedID: String) async -> Identity? {
        switch entries[linkedID] {
        case .done(let identity)?:
            return identity
        case .pending?:
            return await withCheckedContinuation { continuation in
                guard case .pending(let number, let waiters, let forget)? = entries[linkedID] else {
                    return continuation.resume(returning: Identity())
                }
                entries[linkedID] = .pending(number: number, waiters: waiters + [continuation], forget: forget)
            }
        case nil:
            return nil
        }
    }

    /// The call is over: its identity is dropped (after the lookup in flight, if any, completes).
    func forget(_ linkedID: String) {
        guard case .pending(let number, let waiters, _)? = entries[linkedID] else {
            entries[linkedID] = nil
            return
        }
        entries[linkedID] = .pending(number: number, waiters: waiters, forget: true)
    }

    private func complete(_ linkedID: String, with identity: Identity) {
        // A lookup for a number the call no longer has is superseded by the newer one.
        guard case .pending(let number, let waiters, let forget)? = entries[linkedID], number == identity.number else { return }
        entries[linkedID] = forget ? nil : .done(identity)
        for waiter in waiters { waiter.resume(returning: identity) }
    }

    private static func fetch(_ request: Request, store: CRMStore, logger: Logger) async -> Identity {
        var identity = Identity(number: request.number)
        identity.e164 = request.number.flatMap { store.normalizer.normalize($0).phoneNumber?.e164 }
        guard let e164 = identity.e164 else { return identity }
        do {
            identity.customers = try await store.customers(onNumber: e164)
            identity.cards = try await store.customerCards(ids: identity.customers.map(\.id))
        } catch {
            logger.error("customer lookup failed", metadata: ["call": "\(request.linkedID)", "number": "\(e164)", "error": "\(error)"])
        }
        return identity
    }
}
