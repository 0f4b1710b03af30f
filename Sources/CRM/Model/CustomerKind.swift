/// Whether a customer is a private person, a company (with contacts) or a dealer.
public enum CustomerKind: String, Sendable, Codable, CaseIterable {
    case individual, company, dealer
}
