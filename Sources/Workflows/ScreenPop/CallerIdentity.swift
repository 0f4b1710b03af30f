import CRM
import Logging

/// Who a call's outside number belongs to: its normalised form, every customer on it, and their cards.
public struct CallerIdentity: Sendable, Hashable {
    /// The number as the PBX signalled it (what was looked up).
    public var number: String?
    public var e164: String?
    public var customers: [CustomerMatch] = []
    /// The customers' cards, as a pop shows them; `nil` when they could not be read.
    public var cards: [CustomerCard]?

    public init(number: String?, e164: String? = nil, customers: [CustomerMatch] = [], cards: [CustomerCard]? = nil) {
        self.number = number
        self.e164 = e164
        self.customers = customers
        self.cards = cards
    }

    /// Looks `number` up in the CRM: normalised, then every customer on it and their cards. A number
    /// that is no phone number, or a failed read, gives no customers (the failure is logged).
    public static func find(_ number: String?, in store: CRMStore, logger: Logger, call: String) async -> CallerIdentity {
        var identity = CallerIdentity(number: number)
        identity.e164 = number.flatMap { store.normalizer.normalize($0).phoneNumber?.e164 }
        guard let e164 = identity.e164 else { return identity }
        do {
            identity.customers = try await store.customers(onNumber: e164)
            identity.cards = try await store.customerCards(ids: identity.customers.map(\.id))
        } catch {
            logger.error("customer lookup failed", metadata: ["call": "\(call)", "error": "\(CRMDatabase.explain(error))"])
        }
        return identity
    }
}
