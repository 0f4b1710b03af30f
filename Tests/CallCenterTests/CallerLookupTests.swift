@testable import CallCenter
import CRM
import TestSupport
import Testing

@Suite("Caller lookup ahead of the pop", .timeLimit(.minutes(1)))
struct CallerLookupTests {
    /// Runs `body` with a running lookup over a store holding one customer on each of two numbers.
    private func withLookup(_ engine: TestEngine, _ body: (CallerLookup, _ first: Int, _ second: Int) async throws -> Void) async throws {
        try await TestDatabase.withStore(engine) { store in
            let first = try await store.seedCustomer("李雷", phones: ["13800138000"], grade: .a)
            let second = try await store.seedCustomer("韩梅梅", phones: ["13900139000"])
            let lookup = CallerLookup(store: store, logger: TestDatabase.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await lookup.run() }
                defer { lookup.finish() }
                try await body(lookup, first, second)
            }
        }
    }

    @Test("a lookup gives the number's customers and their cards", arguments: TestEngine.available)
    func inboundLookupHasCards(_ engine: TestEngine) async throws {
        try await withLookup(engine) { lookup, first, _ in
            await lookup.begin(linkedID: "1.1", number: "013800138000")
            let identity = try #require(await lookup.identity(of: "1.1"))
            #expect(identity.e164 == "+8613800138000" && identity.customers.map(\.id) == [first])
            #expect(identity.cards?.map(\.name) == ["李雷"] && identity.cards?.first?.grade == .a)
        }
    }

    @Test("a number in any notation finds its customer", arguments: TestEngine.available)
    func anyNotation(_ engine: TestEngine) async throws {
        try await withLookup(engine) { lookup, _, second in
            await lookup.begin(linkedID: "1.2", number: "+86 139 0013 9000")
            let identity = try #require(await lookup.identity(of: "1.2"))
            #expect(identity.customers.map(\.id) == [second] && identity.cards?.map(\.id) == [second])
        }
    }

    @Test("when the call's outside number changes, the newer number's customers win", arguments: TestEngine.available)
    func newerNumberWins(_ engine: TestEngine) async throws {
        try await withLookup(engine) { lookup, _, second in
            await lookup.begin(linkedID: "1.3", number: "13800138000")
            await lookup.begin(linkedID: "1.3", number: "13900139000")
            let identity = try #require(await lookup.identity(of: "1.3"))
            #expect(identity.number == "13900139000" && identity.customers.map(\.id) == [second])
        }
    }

    @Test("numbers that are no phone, and numbers nobody has, give no customers", arguments: TestEngine.available)
    func unknownAndWithheld(_ engine: TestEngine) async throws {
        try await withLookup(engine) { lookup, _, _ in
            await lookup.begin(linkedID: "1.4", number: "anonymous")
            await lookup.begin(linkedID: "1.5", number: "13700137000")
            await lookup.begin(linkedID: "1.6", number: nil)
            let withheld = try #require(await lookup.identity(of: "1.4"))
            let unknown = try #require(await lookup.identity(of: "1.5"))
            let none = try #require(await lookup.identity(of: "1.6"))
            #expect(withheld.e164 == nil && withheld.customers.isEmpty)
            #expect(unknown.e164 == "+8613700137000" && unknown.customers.isEmpty)
            #expect(none.e164 == nil && none.customers.isEmpty)
            #expect(await lookup.identity(of: "never-started") == nil)
        }
    }

    @Test("a finished call's identity is dropped, even when it is forgotten mid-lookup", arguments: TestEngine.available)
    func forgottenCallsDoNotAccumulate(_ engine: TestEngine) async throws {
        try await withLookup(engine) { lookup, _, _ in
            for index in 0..<50 {
                await lookup.begin(linkedID: "2.\(index)", number: "13800138000")
                if index.isMultiple(of: 2) { _ = await lookup.identity(of: "2.\(index)") }
                await lookup.forget("2.\(index)")
            }
            // A lookup for a new call queues behind the forgotten ones; once it is done, they are too.
            await lookup.begin(linkedID: "3.0", number: "13800138000")
            _ = await lookup.identity(of: "3.0")
            var remaining = await lookup.count
            for _ in 0..<100 where remaining > 1 {
                try await Task.sleep(for: .milliseconds(10))
                remaining = await lookup.count
            }
            #expect(remaining == 1)
            #expect(await lookup.identity(of: "2.1") == nil)
        }
    }
}
