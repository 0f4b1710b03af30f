/// A telephone number in E.164 form (`+8613800138000`) with the kind of line it reaches.
public struct PhoneNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The number in E.164: `+`, country code, national significant number.
    public let e164: String
    public let kind: PhoneKind

    public init(e164: String, kind: PhoneKind) {
        self.e164 = e164
        self.kind = kind
    }

    public var description: String { e164 }
}
