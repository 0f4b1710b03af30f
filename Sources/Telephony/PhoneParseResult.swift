/// What a written or signalled number turned out to be after normalisation.
public enum PhoneParseResult: Sendable, Hashable {
    /// A reachable outside number; the only case that may match a customer.
    case number(PhoneNumber)
    /// A 3–5 digit internal extension (an agent's desk phone), never a customer.
    case internalExtension(String)
    /// Nothing usable: withheld (`anonymous`, `<unknown>`), empty, letters, or an impossible length.
    case noNumber(reason: String)

    /// The normalised number when this is an outside number, else `nil`.
    public var phoneNumber: PhoneNumber? {
        if case .number(let number) = self { return number }
        return nil
    }
}
