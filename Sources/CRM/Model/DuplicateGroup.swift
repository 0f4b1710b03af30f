/// Customers that share one normalised phone number (a possible duplicate, or a shared family phone).
public struct DuplicateGroup: Sendable, Hashable {
    public let e164: String
    public let customers: [CustomerSummary]
}
