import CRM
import Foundation
import Testing
import TestSupport
import Vocabulary

/// Several customers' cards read at once, as a shared number's pop asks them.
@Suite("Customer cards, several at once")
struct CustomerCardsTests {
    @Test("cards come in the order asked, each with its own phones, vehicles, tasks and last five contacts; a customer without a phone has a card; an unknown id has none",
          arguments: TestEngine.available)
    func severalAtOnce(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            let owner = try await store.addUser(name: "王芳", role: .agent).user
            let first = try await store.seedCustomer("李雷", phones: ["13800138000", "021-65528888"], grade: .a)
            let second = try await store.seedCustomer("韩梅梅", phones: ["13900139000"], grade: .c)
            let silent = try await store.createCustomer(NewCustomer(name: "无号码", ownerID: owner.id, phones: [],
                                                                    vehicles: [NewVehicle(plate: "沪B00001", policyExpiry: "2027-03-01")]))
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            for index in 0..<7 {
                _ = try await store.addInteraction(customerID: first, kind: "call", outcome: "first \(index)", note: nil, authorID: owner.id,
                                                   at: start + Double(index) * 60)
                _ = try await store.addInteraction(customerID: second, kind: "call", outcome: "second \(index)", note: nil, authorID: owner.id,
                                                   at: start + Double(index) * 60 + 1)
            }
            let later = try await store.addTask(customerID: second, kind: .followUp, ownerID: owner.id, dueAt: start + 7200, note: "later")
            let sooner = try await store.addTask(customerID: second, kind: .followUp, ownerID: owner.id, dueAt: start + 3600, note: "sooner")
            let cards = try await store.customerCards(ids: [second, 999_999, silent, first])
            #expect(cards.map(\.id) == [second, silent, first])
            #expect(cards[0].phones.map(\.e164) == ["+8613900139000"] && cards[0].grade == .c)
            #expect(cards[0].openTasks.map(\.id) == [sooner, later])
            #expect(cards[0].lastInteractions.map(\.outcome) == (2...6).reversed().map { "second \($0)" })
            #expect(cards[1].phones.isEmpty && cards[1].vehicles.map(\.plate) == ["沪B00001"] && cards[1].policies.map(\.expiryDate) == ["2027-03-01"])
            #expect(cards[1].lastInteractions.isEmpty && cards[1].openTasks.isEmpty)
            #expect(cards[2].phones.map(\.e164) == ["+8613800138000", "+862165528888"] && cards[2].grade == .a)
            #expect(cards[2].lastInteractions.map(\.outcome) == (2...6).reversed().map { "first \($0)" })
        }
    }
}
