import NIOCore

/// Splits an AMI byte stream into banner, messages and protocol errors; resumable across reads.
///
/// Pure value type over `ByteBuffer`: the decoder uses it for the server's stream, the simulator
/// for the client's. Lines end in `\r\n` (a bare `\n` is accepted); a message ends at an empty
/// line. A line without `:` spoils its message, which is reported and skipped; a message over
/// `maxMessageSize` is reported and discarded, so memory stays bounded. Asterisk 13's `Command`
/// answer (`Response: Follows`) is raw CLI output, empty lines and colons included, up to `--END COMMAND--`.
public struct AMIFrameParser: Sendable {
    public var maxMessageSize: Int
    private var expectBanner: Bool
    /// Offset (from the reader index) where the next unscanned line of the current message starts.
    private var lineStart = 0
    /// The current message's headers, copied into `store` when it ends.
    private var fields: [AMIMessage.Field] = []
    private var store = AMIFieldStore(capacity: 0)
    /// The next free slot of `store`, as this parser knows it.
    private var storeEnd = 0
    private var badLine: String?
    private var isFollows = false
    /// In a `Follows` answer: its output has begun (every line is output now) / `--END COMMAND--` was seen.
    private var followsOutput = false
    private var followsEnded = false
    private var discarding = false

    public init(expectBanner: Bool = true, maxMessageSize: Int = 1 << 20) {
        self.expectBanner = expectBanner
        self.maxMessageSize = maxMessageSize
        fields.reserveCapacity(16)
    }

    private static let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r"), colon = UInt8(ascii: ":"), space = UInt8(ascii: " ")

    /// The next complete frame, consuming its bytes from `buffer`; `nil` when more bytes are needed.
    public mutating func next(_ buffer: inout ByteBuffer) -> AMIFrame? {
        while true {
            let step = buffer.withUnsafeReadableBytes { raw -> Step in scan(raw) }
            switch step {
            case .needMore:
                if discarding, lineStart > 0 {
                    buffer.moveReaderIndex(forwardBy: lineStart)
                    lineStart = 0
                }
                return nil
            case .skip(let count):
                buffer.moveReaderIndex(forwardBy: count)
            case .banner(let length, let textLength):
                let text = buffer.getString(at: buffer.readerIndex, length: textLength) ?? ""
                buffer.moveReaderIndex(forwardBy: length)
                expectBanner = false
                return .banner(text)
            case .tooLarge:
                discarding = true
                fields.removeAll(keepingCapacity: true)
                badLine = nil
                resetFollows()
                return .protocolError(.messageTooLarge(limit: maxMessageSize))
            case .discarded(let length):
                buffer.moveReaderIndex(forwardBy: length)
                discarding = false
            case .message(let length):
                let slice = buffer.readSlice(length: length)!
                let frame: AMIFrame
                if let line = badLine {
                    frame = .protocolError(.notAHeader(line: line))
                } else {
                    frame = .message(AMIMessage(bytes: slice, fields: storeFields()))
                }
                fields.removeAll(keepingCapacity: true)
                badLine = nil
                resetFollows()
                return frame
            }
        }
    }

    private enum Step {
        case needMore
        case skip(Int)
        case banner(length: Int, textLength: Int)
        case message(length: Int)
        case tooLarge
        case discarded(length: Int)
    }

    private mutating func scan(_ raw: UnsafeRawBufferPointer) -> Step {
        let count = raw.count
        var start = lineStart
        while start < count {
            guard let newlineIndex = Self.find(Self.newline, in: raw, from: start) else {
                if discarding { lineStart = count; return .needMore }
                lineStart = start
                if !discarding, count > maxMessageSize { lineStart = 0; return .tooLarge }
                return .needMore
            }
            var end = newlineIndex
            if end > start, raw[end - 1] == Self.carriageReturn { end -= 1 }
            let next = newlineIndex + 1

            if expectBanner {
                lineStart = 0
                return .banner(length: next, textLength: end)
            }
            if discarding {
                if end == start {
                    lineStart = 0
                    return .discarded(length: next)
                }
                start = next
                continue
            }
            if end == start, isFollows, !followsEnded {
                // CLI output may hold empty lines: only `--END COMMAND--` ends it.
                if next > maxMessageSize { lineStart = 0; return .tooLarge }
                fields.append(.init(nameStart: UInt32(start), nameLength: 0, valueStart: UInt32(start), valueLength: 0))
                followsOutput = true
                start = next
                continue
            }
            if end == start {
                // Empty line: ends a message, or is stray padding between messages.
                lineStart = 0
                if fields.isEmpty && badLine == nil { return .skip(next) }
                return .message(length: next)
            }
            if next > maxMessageSize {
                lineStart = 0
                return .tooLarge
            }
            parseLine(raw, start: start, end: end)
            start = next
        }
        lineStart = start
        return .needMore
    }

    /// Headers per store: some 60 events' worth.
    private static let storeCapacity = 1024

    /// The current message's headers, moved into `store` (or a new one, when it is full or a copy of this parser took the slots).
    private mutating func storeFields() -> AMIMessage.Fields {
        let range = fields.withUnsafeBufferPointer { fields in
            if let range = store.claim(fields, at: storeEnd) { return range }
            store = AMIFieldStore(capacity: max(Self.storeCapacity, fields.count))
            return store.claim(fields, at: 0) ?? 0..<0
        }
        storeEnd = range.upperBound
        return AMIMessage.Fields(store: store, range: range)
    }

    private mutating func resetFollows() {
        isFollows = false
        followsOutput = false
        followsEnded = false
    }

    /// The headers a `Follows` answer starts with; any other line is its output.
    private static let followsHeaders: Set<String> = ["privilege", "actionid", "message"]

    private mutating func parseLine(_ raw: UnsafeRawBufferPointer, start: Int, end: Int) {
        if isFollows, !followsEnded {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<end]), as: UTF8.self)
            if text == "--END COMMAND--" {
                followsEnded = true
                return
            }
            let colon = Self.find(Self.colon, in: raw, from: start, to: end)
            let name = colon.map { String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<$0]), as: UTF8.self).lowercased() }
            if followsOutput || name.map({ !Self.followsHeaders.contains($0) }) ?? true {
                // Old-style `Command` output: raw lines become `Output` values.
                followsOutput = true
                fields.append(.init(nameStart: UInt32(start), nameLength: 0, valueStart: UInt32(start), valueLength: UInt32(end - start)))
                return
            }
        }
        if let colon = Self.find(Self.colon, in: raw, from: start, to: end), colon > start {
            var valueStart = colon + 1
            if valueStart < end, raw[valueStart] == Self.space { valueStart += 1 }
            fields.append(.init(nameStart: UInt32(start), nameLength: UInt32(colon - start),
                                valueStart: UInt32(valueStart), valueLength: UInt32(end - valueStart)))
            if fields.count == 1, colon - start == 8, end - valueStart == 7,
               String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<end]), as: UTF8.self).lowercased() == "response: follows"
            {
                isFollows = true
            }
            return
        }
        if badLine == nil {
            badLine = String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<min(end, start + 200)]), as: UTF8.self)
        }
    }

    @inline(__always)
    private static func find(_ byte: UInt8, in raw: UnsafeRawBufferPointer, from: Int, to: Int? = nil) -> Int? {
        let end = to ?? raw.count
        guard from < end, let base = raw.baseAddress else { return nil }
        guard let found = memchr(base + from, Int32(byte), end - from) else { return nil }
        return UnsafeRawPointer(found) - base
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
