import Foundation

/// Tells a CSV's encoding from its bytes, reading the whole file in chunks: UTF-8 (with or without a
/// BOM) or GB18030/GBK.
///
/// Validity alone cannot tell them apart: many GB18030 byte pairs are also valid UTF-8 (谢伟 in GBK,
/// `D0 BB CE B0`, reads as UTF-8 `лΰ`). So each reading is scored by the Chinese characters it
/// yields against what such a file would not hold (Cyrillic or Greek letters in the UTF-8 reading,
/// rare hanzi in the GB18030 one); the reading that makes more sense wins, UTF-8 on a tie.
struct EncodingDetector {
    /// What the bytes say so far under each reading.
    private(set) var utf8 = Tally()
    private(set) var gb18030 = Tally()
    private var utf8Carry: [UInt8] = []
    private var gbCarry: [UInt8] = []
    private(set) var hasBOM = false
    private var started = false
    private var line = 1

    struct Tally: Sendable, Hashable {
        var valid = true
        /// The line of the first byte sequence that is not valid in this encoding.
        var firstBadLine: Int?
        var chinese = 0
        var unlikely = 0
    }

    mutating func feed(_ chunk: [UInt8]) {
        var bytes = chunk[...]
        if !started {
            started = true
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
                hasBOM = true
                bytes = bytes.dropFirst(3)
            }
        }
        let firstLine = line
        utf8Carry = Self.scanUTF8(utf8Carry + bytes, tally: &utf8, line: firstLine, final: false)
        gbCarry = Self.scanGB18030(gbCarry + bytes, tally: &gb18030, line: firstLine, final: false)
        line += bytes.count(where: { $0 == UInt8(ascii: "\n") })
    }

    /// The verdict once every byte was fed: the encoding, or `nil` when neither reads the file.
    mutating func finish() -> TextEncoding? {
        _ = Self.scanUTF8(utf8Carry, tally: &utf8, line: line, final: true)
        _ = Self.scanGB18030(gbCarry, tally: &gb18030, line: line, final: true)
        if hasBOM { return utf8.valid ? .utf8 : nil }
        switch (utf8.valid, gb18030.valid) {
        case (true, false): return .utf8
        case (false, true): return .gb18030
        case (false, false): return nil
        case (true, true):
            // A two-byte UTF-8 letter (Cyrillic, Greek, accented Latin) in a Chinese dealer's file is
            // a strong sign of GB bytes misread; a rare hanzi only a weak one.
            let utf8Score = utf8.chinese - 2 * utf8.unlikely
            let gbScore = gb18030.chinese - gb18030.unlikely
            return gbScore > utf8Score ? .gb18030 : .utf8
        }
    }

    /// Scans whole UTF-8 sequences; returns the incomplete tail to carry into the next chunk.
    private static func scanUTF8(_ bytes: [UInt8], tally: inout Tally, line: Int, final: Bool) -> [UInt8] {
        var index = 0, currentLine = line
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") { currentLine += 1 }
            let length = byte < 0x80 ? 1 : byte >= 0xC2 && byte <= 0xDF ? 2 : byte >= 0xE0 && byte <= 0xEF ? 3 : byte >= 0xF0 && byte <= 0xF4 ? 4 : 0
            if length == 0 { fail(&tally, currentLine); index += 1; continue }
            if index + length > bytes.count {
                if final { fail(&tally, currentLine); break }
                return Array(bytes[index...])
            }
            if length > 1, !bytes[(index + 1)..<(index + length)].allSatisfy({ $0 & 0xC0 == 0x80 }) {
                fail(&tally, currentLine); index += 1; continue
            }
            if length == 2 { tally.unlikely += 1 }
            if length == 3 {
                let scalar = (UInt32(byte & 0x0F) << 12) | (UInt32(bytes[index + 1] & 0x3F) << 6) | UInt32(bytes[index + 2] & 0x3F)
                if (0x4E00...0x9FFF).contains(scalar) || (0x3000...0x303F).contains(scalar) || (0xFF00...0xFFEF).contains(scalar) {
                    tally.chinese += 1
                }
            }
            index += length
        }
        return []
    }

    /// Scans whole GB18030 characters (one, two or four bytes); returns the incomplete tail.
    private static func scanGB18030(_ bytes: [UInt8], tally: inout Tally, line: Int, final: Bool) -> [UInt8] {
        var index = 0, currentLine = line
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") { currentLine += 1 }
            if byte < 0x80 { index += 1; continue }
            guard byte >= 0x81, byte <= 0xFE else { fail(&tally, currentLine); index += 1; continue }
            guard index + 1 < bytes.count else {
                if final { fail(&tally, currentLine); break }
                return Array(bytes[index...])
            }
            let second = bytes[index + 1]
            if second >= 0x30, second <= 0x39 {
                guard index + 3 < bytes.count else {
                    if final { fail(&tally, currentLine); break }
                    return Array(bytes[index...])
                }
                let third = bytes[index + 2], fourth = bytes[index + 3]
                guard third >= 0x81, third <= 0xFE, fourth >= 0x30, fourth <= 0x39 else { fail(&tally, currentLine); index += 1; continue }
                tally.unlikely += 1
                index += 4
                continue
            }
            guard second >= 0x40, second <= 0xFE, second != 0x7F else { fail(&tally, currentLine); index += 1; continue }
            // GB2312's first level (B0–D7 × A1–FE) holds the 3,755 common hanzi a real file is made of;
            // UTF-8 Chinese read as GB lands in the rare second level and GBK's extensions instead.
            if byte >= 0xB0, byte <= 0xD7, second >= 0xA1 { tally.chinese += 1 } else { tally.unlikely += 1 }
            index += 2
        }
        return []
    }

    private static func fail(_ tally: inout Tally, _ line: Int) {
        if tally.valid { tally.firstBadLine = line }
        tally.valid = false
    }
}
