import AMI
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@Suite("AMI decoder in a NIO pipeline")
struct AMIDecoderChannelTests {
    @Test("on an EmbeddedChannel, a capture fed in 7-byte writes yields the same frames as in one piece")
    func embeddedChannel() throws {
        let bytes = Fixtures.bytes("set-a/ami-03-inbound-abandoned.server.txt")
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(AMIDecoder()))
        var frames: [AMIFrame] = []
        for start in stride(from: 0, to: bytes.count, by: 7) {
            try channel.writeInbound(ByteBuffer(bytes: bytes[start..<min(bytes.count, start + 7)]))
            while let frame = try channel.readInbound(as: AMIFrame.self) { frames.append(frame) }
        }
        #expect(try channel.finish().isClean)
        #expect(frames == Fixtures.decode(bytes))
        #expect(frames.count > 50)
    }

    @Test("NIO's ByteToMessageDecoderVerifier accepts the decoder on real messages")
    func verifier() throws {
        let capture = Fixtures.messages(Fixtures.decode(Fixtures.bytes("set-a/ami-06-queue-members.server.txt")))
        let pairs: [(ByteBuffer, [AMIFrame])] = capture.prefix(6).map { ($0.wireBytes, [.message($0)]) }
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { AMIDecoder(expectBanner: false) }
    }

    @Test("on a NIOAsyncTestingChannel, garbage is reported and the stream goes on")
    func asyncTestingChannel() async throws {
        let channel = try await NIOAsyncTestingChannel { channel in
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(AMIDecoder()))
        }
        try await channel.writeInbound(ByteBuffer(string: "Asterisk Call Manager/13.0.0\r\nnot a header\r\n\r\nEvent: FullyBooted\r\nStatus: Fully Booted\r\n\r\n"))
        #expect(try await channel.readInbound(as: AMIFrame.self) == .banner("Asterisk Call Manager/13.0.0"))
        #expect(try await channel.readInbound(as: AMIFrame.self) == .protocolError(.notAHeader(line: "not a header")))
        guard case .message(let message) = try await channel.readInbound(as: AMIFrame.self) else {
            Issue.record("expected a message")
            return
        }
        #expect(message.as(FullyBootedEvent.self) != nil)
        _ = try await channel.finish()
    }
}
