import Foundation

/// Streams RFC 4180 records from a UTF-8 file (BOM optional) in constant memory, with the line
/// each record starts on.
///
/// Written here rather than taken from CSV.swift: that package reads through Foundation's
/// `InputStream`, which on Linux reports end-of-file as an error and whose `streamError` getter
/// traps (seen with Swift 6.3.1).
struct CSVRecordReader {
    struct Record {
        let line: Int
        let fields: [String]
        let byteCount: Int
    }

    enum Failure: Error, CustomStringConvertible {
        case notUTF8(line: Int)
        case unterminatedQuote(line: Int)
        case fieldTooLong(line: Int)

        var description: String {
            switch self {
            case .notUTF8(let line): "line \(line) is not valid UTF-8"
            case .unterminatedQuote(let line): "a quoted field opened on line \(line) never closes"
            case .fieldTooLong(let line): "a field on line \(line) is longer than 64 KiB"
            }
        }
    }

    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEOF = false
    private var line = 1
    private var started = false
    private static let chunk = 64 * 1024
    private static let maxField = 64 * 1024

    init(path: String) throws {
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    }

    func close() { try? handle.close() }

    private mutating func nextByte() throws -> UInt8? {
        if position >= buffer.count {
            if atEOF { return nil }
            let data = try handle.read(upToCount: Self.chunk) ?? Data()
            if data.isEmpty { atEOF = true; return nil }
            buffer = Array(data)
            position = 0
            if !started {
                started = true
                if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
                if position >= buffer.count { return try nextByte() }
            }
        }
        defer { position += 1 }
        return buffer[position]
    }

    private mutating func peekByte() throws -> UInt8? {
        guard let byte = try nextByte() else { return nil }
        position -= 1
        return byte
    }

    /// The next record, or `nil` at the end of the file.
    mutating func next() throws(Failure) -> Record? {
        do {
            return try readRecord()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .notUTF8(line: line)
        }
    }

    private mutating func readRecord() throws -> Record? {
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var bytes = 0
        var quoted = false
        var fieldStarted = false
        guard try peekByte() != nil else { return nil }

        func finishField() throws {
            guard let text = String(validating: field, as: UTF8.self) else { throw Failure.notUTF8(line: startLine) }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            fieldStarted = false
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
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""):
                    if !fieldStarted && field.isEmpty { quoted = true; fieldStarted = true } else { field.append(byte) }
                case UInt8(ascii: ","):
                    try finishField()
                case UInt8(ascii: "\r"):
                    if try peekByte() == UInt8(ascii: "\n") { _ = try nextByte(); bytes += 1 }
                    line += 1
                    try finishField()
                    return Record(line: startLine, fields: fields, byteCount: bytes)
                case UInt8(ascii: "\n"):
                    line += 1
                    try finishField()
                    return Record(line: startLine, fields: fields, byteCount: bytes)
                default:
                    field.append(byte)
                    fieldStarted = true
                }
            }
            if field.count > Self.maxField { throw Failure.fieldTooLong(line: startLine) }
        }
        if quoted { throw Failure.unterminatedQuote(line: startLine) }
        try finishField()
        return Record(line: startLine, fields: fields, byteCount: bytes)
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
}
