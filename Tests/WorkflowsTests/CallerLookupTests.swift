import AMI
import CRM
import Foundation
import TestSupport
import Testing
@testable import Workflows

@Suite("Caller lookup ahead of the pop", .timeLimit(.minutes(3)))
struct CallerLookupTests {
    /// Runs `body` over a store holding one customer on each of two numbers.
    private func withStore(_ engine: TestEngine, _ body: (CRMStore, _ first: Int, _ second: Int) async throws -> Void) async throws {
        try await TestDatabase.withStore(engine) { store in
            let first = try await store.seedCustomer("李雷", phones: ["13800138000"], grade: .a)
            let second = try await store.seedCustomer("韩梅梅", phones: ["13900139000"])
            try await body(store, first, second)
        }
    }

    private func find(_ number: String?, in store: CRMStore) async -> CallerIdentity {
        await CallerIdentity.find(number, in: store, logger: TestDatabase.logger, call: "test")
    }

    @Test("a lookup gives the number's customers and their cards", arguments: TestEngine.available)
    func inboundLookupHasCards(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, first, _ in
            let identity = await find("013800138000", in: store)
            #expect(identity.e164 == "+8613800138000" && identity.customers.map(\.id) == [first])
            #expect(identity.cards?.map(\.name) == ["李雷"] && identity.cards?.first?.grade == .a)
        }
    }

    @Test("a number in any notation finds its customer", arguments: TestEngine.available)
    func anyNotation(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, _, second in
            let identity = await find("+86 139 0013 9000", in: store)
            #expect(identity.customers.map(\.id) == [second] && identity.cards?.map(\.id) == [second])
        }
    }

    @Test("when the call's outside number changes, the newer number's customers win", arguments: TestEngine.available)
    func newerNumberWins(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, _, second in
            var coordinator = CoordinatorScript()
            coordinator.newInboundCall("1.3", number: "13800138000")
            coordinator.callerID("1.3", number: "13900139000")
            let lookups = coordinator.lookups
            #expect(lookups.map(\.number) == ["13800138000", "13900139000"])
            // The older lookup answers last: it is superseded and changes nothing.
            for lookup in lookups.reversed() { coordinator.answer(lookup, with: await find(lookup.number, in: store)) }
            let identity = try #require(coordinator.identity(of: "1.3"))
            #expect(identity.number == "13900139000" && identity.customers.map(\.id) == [second])
        }
    }

    @Test("numbers that are no phone, and numbers nobody has, give no customers", arguments: TestEngine.available)
    func unknownAndWithheld(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, _, _ in
            let withheld = await find("anonymous", in: store)
            let unknown = await find("13700137000", in: store)
            let none = await find(nil, in: store)
            #expect(withheld.e164 == nil && withheld.customers.isEmpty)
            #expect(unknown.e164 == "+8613700137000" && unknown.customers.isEmpty)
            #expect(none.e164 == nil && none.customers.isEmpty)
            #expect(CoordinatorScript().identity(of: "never-started") == nil)
        }
    }

    @Test("a finished call's identity is dropped, even when it ends mid-lookup", arguments: TestEngine.available)
    func forgottenCallsDoNotAccumulate(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, _, _ in
            var coordinator = CoordinatorScript()
            for index in 0..<50 {
                coordinator.newInboundCall("2.\(index)", number: "13800138000")
                let lookup = coordinator.lookups.last!
                if index.isMultiple(of: 2) { coordinator.answer(lookup, with: await find(lookup.number, in: store)) }
                coordinator.hangup("2.\(index)")
                if !index.isMultiple(of: 2) { coordinator.answer(lookup, with: await find(lookup.number, in: store)) }
            }
            coordinator.newInboundCall("3.0", number: "13800138000")
            coordinator.answer(coordinator.lookups.last!, with: await find("13800138000", in: store))
            #expect(coordinator.heldCalls == 1)
            #expect(coordinator.identity(of: "2.1") == nil)
        }
    }
}
