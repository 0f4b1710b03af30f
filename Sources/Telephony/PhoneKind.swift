/// What kind of line a normalised number reaches; decides how it is shown and whether it can be a customer.
public enum PhoneKind: String, Sendable, Hashable, Codable, CaseIterable {
    case mobile
    case landline
    /// Hotlines such as `400…`, `800…` and the five-digit `95xxx` bank and carrier numbers.
    case service
    /// A valid number whose line type the numbering plan cannot tell (foreign numbers, generic plans).
    case other
}
