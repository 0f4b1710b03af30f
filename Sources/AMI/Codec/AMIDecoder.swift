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
