import Foundation
import NIOCore
import Secrets

/// One AMI message (a response, an event or a list item): ordered `Key: Value` headers that
/// compare case-insensitively and may repeat.
///
/// The bytes stay in one `ByteBuffer` slice as they arrived; headers are offsets into it, and a
/// `String` is made only for the values a caller reads.
public struct AMIMessage: Sendable, Hashable, CustomStringConvertible {
    @usableFromInline struct Field: Sendable, Hashable {
        @usableFromInline var nameStart: UInt32
        @usableFromInline var nameLength: UInt32
        @usableFromInline var valueStart: UInt32
        @usableFromInline var valueLength: UInt32
    }

    @usableFromInline let bytes: ByteBuffer
    @usableFromInline let fields: Fields

    init(bytes: ByteBuffer, fields: Fields) {
        self.bytes = bytes
        self.fields = fields
    }

    /// Builds a message from headers, as the simulator and tests do; values must not contain line breaks.
    public init(_ headers: KeyValuePairs<String, String>) {
        self.init(headers: headers.map { ($0.key, $0.value) })
    }

    public init(headers: [(String, String)]) {
        var buffer = ByteBufferAllocator().buffer(capacity: headers.reduce(2) { $0 + $1.0.utf8.count + $1.1.utf8.count + 4 })
        var fields: [Field] = []
        fields.reserveCapacity(headers.count)
        for (name, value) in headers {
            let nameStart = buffer.writerIndex
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            let valueStart = buffer.writerIndex
            buffer.writeString(value)
            fields.append(Field(nameStart: UInt32(nameStart), nameLength: UInt32(name.utf8.count),
                                valueStart: UInt32(valueStart), valueLength: UInt32(value.utf8.count)))
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        self.init(bytes: buffer, fields: Fields(fields))
    }

    /// The message exactly as it crossed the wire, ending with its blank line.
    public var wireBytes: ByteBuffer { bytes }

    /// A copy with every `name` header's value replaced (e.g. to rewrite an ActionID).
    public func replacingValues(of name: String, with value: String) -> AMIMessage {
        AMIMessage(headers: headers.map { $0.name.caseInsensitiveEquals(name) ? ($0.name, value) : ($0.name, $0.value) })
    }

    /// The number of header lines.
    public var count: Int { fields.count }

    /// The first value of `name` (compared case-insensitively), or `nil`.
    public subscript(name: String) -> String? {
        var name = name
        return name.withUTF8 { key in
            bytes.withUnsafeReadableBytes { raw in
                for field in fields where Self.matches(field, key, in: raw) {
                    return String(decoding: UnsafeRawBufferPointer(rebasing: raw[Int(field.valueStart)..<Int(field.valueStart + field.valueLength)]),
                                  as: UTF8.self)
                }
                return nil
            }
        }
    }

    /// Every value of a repeated header (`Output`, `Variable`, `ChanVariable(…)`), in order.
    public func values(_ name: String) -> [String] {
        var name = name
        return name.withUTF8 { key in fields.filter { matches($0, key) }.map(value(of:)) }
    }

    /// All headers in wire order.
    public var headers: [(name: String, value: String)] {
        fields.map { (name(of: $0), value(of: $0)) }
    }

    /// Whether this is a response, an event (including list items), or something else.
    public var kind: Kind {
        guard let first = fields.first else { return .other }
        if nameIs(first, "response") { return .response(value(of: first)) }
        if nameIs(first, "event") { return .event(value(of: first)) }
        if let response = self["Response"] { return .response(response) }
        if let event = self["Event"] { return .event(event) }
        return .other
    }

    /// Whether this is an event or list item (`Event:` first, as Asterisk writes them), without making a String.
    @inlinable
    public var isEvent: Bool {
        guard let first = fields.first else { return false }
        if nameIs(first, "event") { return true }
        return !nameIs(first, "response") && self["Event"] != nil
    }

    /// Whether the event's name is `name` (exact bytes; Asterisk's names are fixed), without making a String.
    public func isEvent(named name: StaticString) -> Bool {
        guard let first = fields.first, nameIs(first, "event") else { return eventName == name.description }
        guard Int(first.valueLength) == name.utf8CodeUnitCount else { return false }
        return bytes.withUnsafeReadableBytes { raw in
            let key = name.utf8Start
            for i in 0..<Int(first.valueLength) where raw[Int(first.valueStart) + i] != key[i] { return false }
            return true
        }
    }

    /// Runs `body` on the event name's bytes when the first header is `Event:`, as Asterisk writes
    /// every event, without making a String; `nil` otherwise (ask `eventName` then).
    @inlinable
    public func withEventNameBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard let first = fields.first, nameIs(first, "event") else { return nil }
        return bytes.withUnsafeReadableBytes { raw in
            body(UnsafeRawBufferPointer(rebasing: raw[Int(first.valueStart)..<Int(first.valueStart + first.valueLength)]))
        }
    }

    /// Whether the first `name` header (compared case-insensitively) has exactly the value `expected`,
    /// its ASCII letters compared case-insensitively when `ignoringCase`; without making a String.
    public func value(of name: StaticString, is expected: StaticString, ignoringCase: Bool = false) -> Bool {
        bytes.withUnsafeReadableBytes { raw in
            let key = UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount)
            guard let field = fields.first(where: { Self.matches($0, key, in: raw) }),
                  Int(field.valueLength) == expected.utf8CodeUnitCount else { return false }
            let wanted = UnsafeBufferPointer(start: expected.utf8Start, count: expected.utf8CodeUnitCount)
            let value = UnsafeRawBufferPointer(rebasing: raw[Int(field.valueStart)..<Int(field.valueStart + field.valueLength)])
            return ignoringCase ? value.elementsEqual(wanted) { Self.asciiLowercased($0) == Self.asciiLowercased($1) }
                : value.elementsEqual(wanted)
        }
    }

    @inline(__always)
    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// Compares a field name with a lowercase ASCII key without making a String (hot path).
    @usableFromInline
    @inline(__always)
    func nameIs(_ field: Field, _ lowercaseKey: StaticString) -> Bool {
        guard field.nameLength == lowercaseKey.utf8CodeUnitCount else { return false }
        return bytes.withUnsafeReadableBytes { raw in
            let key = lowercaseKey.utf8Start
            for i in 0..<Int(field.nameLength) where raw[Int(field.nameStart) + i] | 0x20 != key[i] { return false }
            return true
        }
    }

    /// What kind of message this is, with the response status or event name.
    public enum Kind: Sendable, Hashable {
        case response(String)
        case event(String)
        case other
    }

    /// The event name, when this is an event or list item.
    public var eventName: String? {
        if case .event(let name) = kind { return name }
        return nil
    }

    public var actionID: String? { self["ActionID"] }

    /// `Timestamp:` (epoch seconds with microseconds, present with `timestampevents = yes`).
    public var timestamp: Date? {
        // The hot path of every event: read the digits in place (`1795374811.123456`), no String.
        let key: StaticString = "Timestamp"
        let parsed: Double?? = bytes.withUnsafeReadableBytes { raw in
            let name = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
            guard let field = fields.first(where: { Self.matches($0, name, in: raw) }) else { return .some(nil) }
            // Integers while reading, one division at the end: a Double per digit costs more than the
            // rest of the event's fields together.
            var whole = 0, fraction = 0, fractionDigits = 0, seenDot = false, digits = 0
            for index in Int(field.valueStart)..<Int(field.valueStart + field.valueLength) {
                let byte = raw[index]
                if byte == UInt8(ascii: "."), !seenDot {
                    seenDot = true
                } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 18 {
                    digits += 1
                    if seenDot {
                        fraction = fraction * 10 + Int(byte - UInt8(ascii: "0"))
                        fractionDigits += 1
                    } else {
                        whole = whole * 10 + Int(byte - UInt8(ascii: "0"))
                    }
                } else {
                    return nil
                }
            }
            return digits > 0 ? .some(Double(whole) + Double(fraction) / Self.powersOfTen[fractionDigits]) : nil
        }
        switch parsed {
        case .some(.some(let seconds)): return Date(timeIntervalSince1970: seconds)
        case .some(.none): return nil
        case .none:
            // Not plain digits: whatever Double makes of it.
            guard let text = self["Timestamp"], let seconds = Double(text) else { return nil }
            return Date(timeIntervalSince1970: seconds)
        }
    }


    private static let powersOfTen: [Double] = (0...18).map { (0..<$0).reduce(1.0) { value, _ in value * 10 } }

    /// The message as it would appear on the wire, with a secret-looking value masked.
    public var description: String {
        headers.map { name, value in
            return "\(name): \(Redaction.isSecretField(name) ? Redaction.mask : value)"
        }.joined(separator: "\n")
    }

    public static func == (lhs: AMIMessage, rhs: AMIMessage) -> Bool {
        lhs.headers.elementsEqual(rhs.headers) { $0.name == $1.name && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for (name, value) in headers {
            hasher.combine(name)
            hasher.combine(value)
        }
    }

    @inline(__always)
    private func matches(_ field: Field, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.withUnsafeReadableBytes { raw in Self.matches(field, key, in: raw) }
    }

    /// Whether the field's name is `key`, ASCII letters compared case-insensitively (`raw`: the message's readable bytes).
    @inline(__always)
    private static func matches(_ field: Field, _ key: UnsafeBufferPointer<UInt8>, in raw: UnsafeRawBufferPointer) -> Bool {
        if field.nameLength == 0 { return String(decoding: key, as: UTF8.self).caseInsensitiveEquals("Output") }
        guard field.nameLength == key.count else { return false }
        for i in 0..<key.count {
            let a = raw[Int(field.nameStart) + i], b = key[i]
            if a != b && (a | 0x20) != (b | 0x20) { return false }
            if a != b && !((a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A) { return false }
        }
        return true
    }

    private func name(of field: Field) -> String {
        field.nameLength == 0 ? "Output" : bytes.getString(at: bytes.readerIndex + Int(field.nameStart), length: Int(field.nameLength)) ?? ""
    }

    private func value(of field: Field) -> String {
        bytes.getString(at: bytes.readerIndex + Int(field.valueStart), length: Int(field.valueLength)) ?? ""
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
