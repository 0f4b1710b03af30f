import NIOCore

/// Splits the server's socket reads into frames without copying them: a message is a slice of the
/// read it arrived in. Only a message split across two reads is copied, into a buffer of its own,
/// and only as far as it goes.
///
/// NIO's `ByteToMessageHandler` joins each read to the unread end of the one before, which copies all
/// of the new read into a fresh buffer (the old one is still held by the messages sliced from it);
/// at a busy PBX's rate that copy, its allocation and the page faults of new memory cost a fifth of
/// the event loop's time.
public struct AMIReadDecoder: Sendable {
    private var parser: AMIFrameParser
    /// The start of a message split across reads, copied out of the read it began in.
    private var carry: ByteBuffer?

    public init(expectBanner: Bool = true, maxMessageSize: Int = 1 << 20) {
        parser = AMIFrameParser(expectBanner: expectBanner, maxMessageSize: maxMessageSize)
    }

    /// Appends the frames `read` completes to `frames`, in order, and keeps the start of an unfinished message.
    public mutating func decode(_ read: ByteBuffer, into frames: inout [AMIFrame]) {
        var buffer = read
        if var split = carry {
            carry = nil
            guard finish(&split, from: &buffer, into: &frames) else {
                carry = split
                return
            }
        }
        while let frame = parser.next(&buffer) { frames.append(frame) }
        if buffer.readableBytes > 0 {
            var copy = ByteBufferAllocator().buffer(capacity: max(2048, buffer.readableBytes * 2))
            copy.writeImmutableBuffer(buffer)
            carry = copy
        }
    }

    /// Copies `buffer`'s bytes onto the split message in growing steps until a frame completes; then
    /// moves `buffer`'s reader index back over the bytes `split` still holds, which are the ones just
    /// before it. The parser's offsets count from the reader index, so they hold in either buffer.
    /// `false` when all of `buffer` went into `split` and no frame completed.
    private mutating func finish(_ split: inout ByteBuffer, from buffer: inout ByteBuffer, into frames: inout [AMIFrame]) -> Bool {
        var step = 1024
        while buffer.readableBytes > 0 {
            // Lines discarded from an oversized message stay behind the reader index: drop them now and then.
            if split.readerIndex > 1 << 16 { split.discardReadBytes() }
            var piece = buffer.readSlice(length: min(step, buffer.readableBytes))!
            split.writeBuffer(&piece)
            let before = frames.count
            while let frame = parser.next(&split) { frames.append(frame) }
            if frames.count > before {
                buffer.moveReaderIndex(to: buffer.readerIndex - split.readableBytes)
                return true
            }
            step *= 2
        }
        return false
    }
}
