import NIOCore

/// NIO decoder from the server's AMI bytes to `AMIFrame`s (banner first, then messages).
public struct AMIDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = AMIFrame
    private var parser: AMIFrameParser

    public init(expectBanner: Bool = true, maxMessageSize: Int = 1 << 20) {
        parser = AMIFrameParser(expectBanner: expectBanner, maxMessageSize: maxMessageSize)
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> AMIFrame? {
        parser.next(&buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> AMIFrame? {
        parser.next(&buffer)
    }
}

/// NIO decoder from the server's AMI bytes to every frame a read completed, as one array: one
/// pipeline hop per socket read instead of one per message, which is what a busy PBX needs.
public struct AMIBatchDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = [AMIFrame]
    private var parser: AMIFrameParser
    private var frames: [AMIFrame] = []

    public init(expectBanner: Bool = true, maxMessageSize: Int = 1 << 20) {
        parser = AMIFrameParser(expectBanner: expectBanner, maxMessageSize: maxMessageSize)
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> [AMIFrame]? {
        while let frame = parser.next(&buffer) { frames.append(frame) }
        guard !frames.isEmpty else { return nil }
        defer { frames.removeAll(keepingCapacity: true) }
        return frames
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> [AMIFrame]? {
        try decode(buffer: &buffer)
    }
}
