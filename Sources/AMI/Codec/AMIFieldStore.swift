import Synchronization

/// The header table of the messages decoded from one stream: each finished message's headers are
/// copied into the next free slots of one shared store, and the message holds its range of it. A busy
/// link then costs one allocation per few dozen messages instead of one per message (which the
/// consumer's thread freed again, and which the event loop then waited for to come back from its cache).
///
/// Slots are claimed with one atomic step and written once, before the message that reads them
/// exists; nothing writes them again. So a parser and its copy can never write the same slots: the
/// second to claim finds them taken and starts a store of its own.
@usableFromInline
final class AMIFieldStore: @unchecked Sendable {
    @usableFromInline let slots: UnsafeMutablePointer<AMIMessage.Field>
    let capacity: Int
    private let claimed = Atomic<Int>(0)

    init(capacity: Int) {
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
    }

    deinit { slots.deallocate() }

    /// Copies `fields` into the slots from `start` on, when they are the next free ones and there is
    /// room; `nil` otherwise (take a new store).
    func claim(_ fields: UnsafeBufferPointer<AMIMessage.Field>, at start: Int) -> Range<Int>? {
        let end = start + fields.count
        guard end <= capacity, let base = fields.baseAddress,
              claimed.compareExchange(expected: start, desired: end, ordering: .relaxed).exchanged else { return nil }
        (slots + start).initialize(from: base, count: fields.count)
        return start..<end
    }
}

extension AMIMessage {
    /// One message's headers: a range of an `AMIFieldStore`.
    @usableFromInline
    struct Fields: RandomAccessCollection, Sendable {
        @usableFromInline let store: AMIFieldStore
        @usableFromInline let startIndex: Int
        @usableFromInline let endIndex: Int

        init(store: AMIFieldStore, range: Range<Int>) {
            self.store = store
            startIndex = range.lowerBound
            endIndex = range.upperBound
        }

        /// `fields` in a store of their own.
        init(_ fields: [Field]) {
            let store = AMIFieldStore(capacity: fields.count)
            let range = fields.withUnsafeBufferPointer { store.claim($0, at: 0) } ?? 0..<0
            self.init(store: store, range: range)
        }

        @inlinable
        subscript(position: Int) -> Field { store.slots[position] }
    }
}
