import Foundation

/// Streams RFC 4180 records from a UTF-8 file (BOM optional) in constant memory, with the line
/// each record starts on. A malformed record does not end the file: it comes back as `.malformed`
/// with its reason, and reading goes on from the next line.
///
/// Written here rather than taken from CSV.swift: that package reads through Foundation's
/// `InputStream`, which on Linux reports end-of-file as an error and whose `streamError` getter
/// traps (seen with Swift 6.3.1); and it stops at the first malformed record.
struct CSVRecordReader {
    /// One record: its fields, or why its line could not be read as CSV.
    struct Record {
        enum Content {
            case fields([String])
            case malformed(reason: String, text: String)
        }

        let line: Int
        let content: Content
        let byteCount: Int
    }

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    /// The file offset of `buffer[0]`.
    private var bufferOffset: UInt64 = 0
    private var atEOF = false
    private var line = 1
    /// The header's field count, once known: a record spanning lines (a quoted field with line
    /// breaks) with another count is a stray quote that swallowed the lines after it.
    var expectedFieldCount: Int?
    private static let chunk = 64 * 1024
    private static let maxField = 64 * 1024

    init(path: String) throws {
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        let head = try handle.read(upToCount: 3) ?? Data()
        try seek(to: head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)
    }

    func close() { try? handle.close() }

    private var offset: UInt64 { bufferOffset + UInt64(position) }

    private mutating func seek(to offset: UInt64) throws {
        try handle.seek(toOffset: offset)
        buffer = []
        position = 0
        bufferOffset = offset
        atEOF = false
    }

    private mutating func nextByte() throws -> UInt8? {
        if position >= buffer.count {
            if atEOF { return nil }
            bufferOffset += UInt64(buffer.count)
            let data = try handle.read(upToCount: Self.chunk) ?? Data()
            buffer = Array(data)
            position = 0
            if data.isEmpty { atEOF = true; return nil }
        }
        defer { position += 1 }
        return buffer[position]
    }

    private mutating func peekByte() throws -> UInt8? {
        guard let byte = try nextByte() else { return nil }
        position -= 1
        return byte
    }

    /// The next record, or `nil` at the end of the file; throws only when the file cannot be read.
    mutating func next() throws -> Record? {
        let start = offset
        let startLine = line
        guard try peekByte() != nil else { return nil }
        var outcome = try readRecord()
        if case .success(let (fields, _)) = outcome, line > startLine + 1, let expected = expectedFieldCount, fields.count != expected {
            outcome = .failure("a quote opened here closes only on line \(line - 1), making \(fields.count) fields of the header's \(expected)")
        }
        switch outcome {
        case .success(let (fields, bytes)):
            return Record(line: startLine, content: .fields(fields), byteCount: bytes)
        case .failure(let reason):
            // Back to the record's first line: it alone is rejected, reading goes on after it.
            try seek(to: start)
            line = startLine
            var raw: [UInt8] = []
            while let byte = try nextByte(), byte != UInt8(ascii: "\n") { if raw.count < 4096 { raw.append(byte) } }
            line = startLine + 1
            let text = String(decoding: raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw[...], as: UTF8.self)
            return Record(line: startLine, content: .malformed(reason: reason, text: text), byteCount: Int(offset - start))
        }
    }

    private enum Outcome { case success(([String], Int)), failure(String) }

    private mutating func readRecord() throws -> Outcome {
        var fields: [String] = []
        var field: [UInt8] = []
        var bytes = 0
        var quoted = false
        var closedQuote = false

        func finishField() -> String? {
            guard let text = String(validating: field, as: UTF8.self) else { return "it is not valid UTF-8" }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            closedQuote = false
            return nil
        }

        while let byte = try nextByte() {
            bytes += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if try peekByte() == UInt8(ascii: "\"") {
                        _ = try nextByte(); bytes += 1
                        field.append(byte)
                    } else {
                        quoted = false
                        closedQuote = true
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""):
                    if field.isEmpty && !closedQuote { quoted = true } else if closedQuote {
                        return .failure("a quoted field is followed by more text before the comma (a stray \")")
                    } else { field.append(byte) }
                case UInt8(ascii: ","):
                    if let problem = finishField() { return .failure(problem) }
                case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                    if byte == UInt8(ascii: "\r"), try peekByte() == UInt8(ascii: "\n") { _ = try nextByte(); bytes += 1 }
                    line += 1
                    if let problem = finishField() { return .failure(problem) }
                    return .success((fields, bytes))
                default:
                    if closedQuote { return .failure("a quoted field is followed by more text before the comma (a stray \")") }
                    field.append(byte)
                }
            }
            if field.count > Self.maxField { return .failure("a field is longer than 64 KiB (an unclosed quote?)") }
        }
        if quoted { return .failure("a quote opened here never closes") }
        if let problem = finishField() { return .failure(problem) }
        return .success((fields, bytes))
    }
}

/// Formats rows as CSV, quoting fields that need it.
enum CSVFormat {
    static func row(_ fields: [String]) -> String {
        fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\n"
    }

    /// A row for a file people open in Excel: a cell Excel would run as a formula (starting with
    /// `=`, `+`, `-` or `@`, or a tab or carriage return) is made text with a leading `'`.
    static func spreadsheetRow(_ fields: [String]) -> String {
        row(fields.map { field in
            guard let first = field.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else { return field }
            return "'" + field
        })
    }
}
