import AMI
import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import PBXMonitor

/// AMI decoding throughput on one core, from a stream built of the real captured events.
struct AMIDecodeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ami-decode", abstract: "AMI events/s and MB/s decoded on one core.")

    @OptionGroup var stream: AMIStreamOptions

    func run() async throws {
        let (buffer, perCopy, copies) = try stream.payload(defaultEvents: 2_000_000)
        let bytes = buffer.readableBytes
        print("[ami-decode] stream: \(perCopy) real events per copy × \(copies) = \(perCopy * copies) events, \(String(format: "%.1f", Double(bytes) / 1e6)) MB")

        for (label, touch) in [("frames only", false), ("frames + read Event and Linkedid", true)] {
            var best = Double.infinity
            var decoded = 0
            for _ in 0..<3 {
                var input = buffer
                var parser = AMIFrameParser(expectBanner: false)
                decoded = 0
                var sink = 0
                let start = ContinuousClock.now
                while let frame = parser.next(&input) {
                    if case .message(let message) = frame {
                        decoded += 1
                        if touch { sink &+= (message.eventName?.utf8.count ?? 0) &+ (message["Linkedid"]?.utf8.count ?? 0) }
                    }
                }
                best = min(best, (ContinuousClock.now - start).seconds)
                if sink == -1 { print(sink) }
            }
            print(String(format: "[ami-decode] %@: %.0f events/s, %.1f MB/s (%d events, best of 3: %.3f s)",
                         label, Double(decoded) / best, Double(bytes) / best / 1e6, decoded, best))
        }
        // The call tracker alone, on the decoded messages: what the consumer side of the link costs per event.
        var input = buffer
        var parser = AMIFrameParser(expectBanner: false)
        var messages: [AMIMessage] = []
        while let frame = parser.next(&input) { if case .message(let message) = frame { messages.append(message) } }
        var best = Double.infinity
        for _ in 0..<3 {
            var tracker = CallTracker(pbx: "bench")
            var outputs = 0
            let now = Date()
            let start = ContinuousClock.now
            for message in messages { outputs &+= tracker.handle(message, receivedAt: now).count }
            best = min(best, (ContinuousClock.now - start).seconds)
            if outputs == -1 { print(outputs) }
        }
        print(String(format: "[ami-decode] call tracker alone: %.0f events/s (%d events, best of 3: %.3f s)", Double(messages.count) / best, messages.count, best))
    }
}

/// Which captures to build the benchmark stream from, and how many events it should hold.
struct AMIStreamOptions: ParsableArguments {
    @Option(help: "Directory with the *.server.txt captures") var captures = "Tests/AMITests/Fixtures"
    @Option(help: "Events in the stream (default depends on the benchmark)") var events: Int?

    /// The real events repeated to about `events`: the bytes, events per copy, and copies.
    func payload(defaultEvents: Int) throws -> (ByteBuffer, perCopy: Int, copies: Int) {
        let (stream, perCopy) = try AMIEventStream.build(from: captures)
        let copies = max(1, (events ?? defaultEvents) / perCopy)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(stream.count * copies)
        for _ in 0..<copies { buffer.writeBytes(stream) }
        return (buffer, perCopy, copies)
    }
}

/// The event messages of every real capture, concatenated in wire format.
enum AMIEventStream {
    static func build(from directory: String) throws -> (bytes: [UInt8], events: Int) {
        var bytes: [UInt8] = []
        var count = 0
        for set in ["set-a", "set-b"] {
            let folder = URL(fileURLWithPath: directory).appendingPathComponent(set)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".server.txt") {
                var parser = AMIFrameParser(expectBanner: true)
                var buffer = ByteBuffer(bytes: Array(try Data(contentsOf: folder.appendingPathComponent(name))))
                while let frame = parser.next(&buffer) {
                    if case .message(let message) = frame, message.eventName != nil, message.actionID == nil {
                        var wire = message.wireBytes
                        bytes += wire.readBytes(length: wire.readableBytes) ?? []
                        count += 1
                    }
                }
            }
        }
        guard count > 0 else { throw ValidationError("no captures under \(directory); run from the repository root") }
        return (bytes, count)
    }
}
