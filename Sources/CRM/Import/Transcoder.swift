import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Converts a GB18030 file to UTF-8 in chunks with the C library's iconv, so that the rest of the
/// importer reads UTF-8 only. A byte sequence iconv cannot convert stops it with the line it is on.
struct Transcoder {
    struct Failure: Error { let line: Int }

    /// Writes `source` (GB18030) to `destination` as UTF-8.
    static func gb18030ToUTF8(source: String, destination: String) throws {
        let converter = iconv_open("UTF-8", "GB18030")
        guard converter != iconv_t(bitPattern: -1) else { throw Failure(line: 0) }
        defer { iconv_close(converter) }
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: source))
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: destination, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw Failure(line: 0)
        }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: destination))
        defer { try? output.close() }
        var pending: [UInt8] = []
        var line = 1
        var out = [UInt8](repeating: 0, count: 256 * 1024)
        while true {
            let chunk = try input.read(upToCount: 64 * 1024) ?? Data()
            let atEnd = chunk.isEmpty
            pending += chunk
            var consumed = 0
            let written: Int = try pending.withUnsafeMutableBufferPointer { inBuffer in
                try out.withUnsafeMutableBufferPointer { outBuffer in
                    var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                    var inLeft = inBuffer.count
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuffer.count
                    let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                    consumed = inBuffer.count - inLeft
                    if result == -1, errno == EILSEQ || (errno == EINVAL && atEnd) {
                        line += inBuffer[..<consumed].count(where: { $0 == UInt8(ascii: "\n") })
                        throw Failure(line: line)
                    }
                    return outBuffer.count - outLeft
                }
            }
            line += pending[..<consumed].count(where: { $0 == UInt8(ascii: "\n") })
            try output.write(contentsOf: out[..<written])
            pending.removeFirst(consumed)
            if atEnd { break }
        }
    }
}
