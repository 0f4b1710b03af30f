import AMI
import NIOCore
import Testing

@Suite("AMI decoding a socket's reads without copying them")
struct AMIReadDecoderTests {
    /// Decodes `bytes` handed over as separate reads of the given sizes, as a socket delivers them.
    static func decode(_ bytes: [UInt8], reads: [Int], expectBanner: Bool = true, maxMessageSize: Int = 1 << 20) -> [AMIFrame] {
        var decoder = AMIReadDecoder(expectBanner: expectBanner, maxMessageSize: maxMessageSize)
        return decode(bytes, reads: reads, with: &decoder)
    }

    static func decode(_ bytes: [UInt8], reads: [Int], with decoder: inout AMIReadDecoder) -> [AMIFrame] {
        var frames: [AMIFrame] = []
        var offset = 0
        for size in reads + [bytes.count] where offset < bytes.count {
            let end = min(bytes.count, offset + max(1, size))
            decoder.decode(ByteBuffer(bytes: bytes[offset..<end]), into: &frames)
            offset = end
        }
        return frames
    }

    @Test("a message far longer than a read, with more messages behind it in the last read, decodes whole")
    func longMessage() {
        let long = AMIMessage(["Event": "UserEvent", "UserEvent": "Big", "Data": String(repeating: "x", count: 20_000)])
        let short = AMIMessage(["Event": "FullyBooted", "Status": "Fully Booted"])
        let bytes = Array(short.wireBytes.readableBytesView) + Array(long.wireBytes.readableBytesView)
            + Array(short.wireBytes.readableBytesView) + Array(short.wireBytes.readableBytesView)
        for readSize in [7, 100, 1_000, 4_096, 30_000] {
            let frames = Self.decode(bytes, reads: Array(repeating: readSize, count: bytes.count), expectBanner: false)
            #expect(frames == [.message(short), .message(long), .message(short), .message(short)], "reads of \(readSize)")
        }
    }

    @Test("an oversized message split over many reads is reported once, and the message after it decodes")
    func oversizedAcrossReads() {
        let big = AMIMessage(["Event": "UserEvent", "Data": String(repeating: "y", count: 5_000)])
        let next = AMIMessage(["Event": "FullyBooted", "Status": "Fully Booted"])
        let bytes = Array(big.wireBytes.readableBytesView) + Array(next.wireBytes.readableBytesView)
        for readSize in [50, 700, 6_000] {
            let frames = Self.decode(bytes, reads: Array(repeating: readSize, count: bytes.count), expectBanner: false, maxMessageSize: 1_000)
            #expect(frames == [.protocolError(.messageTooLarge(limit: 1_000)), .message(next)], "reads of \(readSize)")
        }
    }

    @Test("a line that is no header, split across reads, is reported and the stream goes on")
    func garbageAcrossReads() {
        let bytes = Array("Asterisk Call Manager/13.0.0\r\nnot a header\r\n\r\nEvent: FullyBooted\r\nStatus: Fully Booted\r\n\r\n".utf8)
        for split in 1..<bytes.count {
            let frames = Self.decode(bytes, reads: [split])
            #expect(frames == [.banner("Asterisk Call Manager/13.0.0"), .protocolError(.notAHeader(line: "not a header")),
                               .message(AMIMessage(["Event": "FullyBooted", "Status": "Fully Booted"]))], "split at \(split)")
        }
    }

    @Test("messages keep their headers while decoding goes on, and a copy of the decoder, fed other bytes, changes none of them")
    func messagesStayWhileDecodingGoesOn() {
        let bytes = Fixtures.bytes("set-a/ami-03-inbound-abandoned.server.txt")
        let whole = Fixtures.decode(bytes)
        let half = bytes.count / 2
        var original = AMIReadDecoder()
        let first = Self.decode(Array(bytes[..<half]), reads: [1_000], with: &original)
        var copy = original
        // The copy goes on with the rest of the capture; the original with other messages altogether.
        let rest = Self.decode(Array(bytes[half...]), reads: [333], with: &copy)
        let other = AMIMessage(["Event": "Newexten", "Channel": "PJSIP/1001-00000001", "Application": "VoiceMail", "Linkedid": "1.2"])
        let others = Self.decode(Array(repeating: Array(other.wireBytes.readableBytesView), count: 200).flatMap { $0 },
                                 reads: [4_096], with: &original)
        #expect(first + rest == whole)
        #expect(others.dropFirst() == Array(repeating: .message(other), count: 199)[...])
        #expect(Self.decode(bytes, reads: [bytes.count]) == whole)
    }
}
