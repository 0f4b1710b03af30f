import AMI
import NIOCore
import Testing
import TestSupport

@Suite("AMI decoder under hostile input")
struct AMIFuzzTests {
    @Test("random bytes never crash or hang and buffered bytes stay bounded")
    func randomBytes() {
        var rng = SeededGenerator(seed: 7)
        let limit = 4_096
        var parser = AMIFrameParser(expectBanner: true, maxMessageSize: limit)
        var buffer = ByteBuffer()
        let alphabet: [UInt8] = Array("ab:\r\n \u{0}\u{FF}Event".utf8)
        for _ in 0..<2_000 {
            let chunk = (0..<Int.random(in: 1...512, using: &rng)).map { _ in
                Bool.random(using: &rng) ? alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] : UInt8.random(in: 0...255, using: &rng)
            }
            buffer.writeBytes(chunk)
            var produced = 0
            while parser.next(&buffer) != nil { produced += 1; #expect(produced < 100_000) }
            #expect(buffer.readableBytes <= limit + 512)
        }
    }

    @Test("an endless line without a newline is discarded, not buffered forever")
    func endlessLine() {
        var parser = AMIFrameParser(expectBanner: false, maxMessageSize: 1_024)
        var buffer = ByteBuffer()
        var errors = 0
        for _ in 0..<1_000 {
            buffer.writeBytes(Array(repeating: UInt8(ascii: "A"), count: 1_000))
            while let frame = parser.next(&buffer) { if case .protocolError = frame { errors += 1 } }
            #expect(buffer.readableBytes <= 2_048)
        }
        #expect(errors == 1)
        buffer.writeString("\r\n\r\nEvent: After\r\n\r\n")
        var after: [AMIFrame] = []
        while let frame = parser.next(&buffer) { after.append(frame) }
        #expect(after.compactMap { if case .message(let m) = $0 { m.eventName } else { nil } } == ["After"])
    }

    @Test("mutated captures never crash and keep decoding", arguments: Fixtures.serverCaptures.filter { $0.contains("set-a") })
    func mutatedCaptures(_ capture: String) {
        var rng = SeededGenerator(seed: 99)
        let original = Fixtures.bytes(capture)
        for _ in 0..<30 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...20, using: &rng) {
                let index = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes.remove(at: index)
                default: bytes.insert(contentsOf: Array("\r\n".utf8), at: index)
                }
            }
            let frames = Fixtures.decode(bytes, chunks: [Int.random(in: 1...300, using: &rng)])
            #expect(frames.count < bytes.count)
        }
    }
}
