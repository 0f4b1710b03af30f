import AMI
import Foundation
import NIOCore

/// The real Asterisk transcripts copied byte-exact from shared/asterisk-captures.
enum Fixtures {
    static let root = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    static func bytes(_ relativePath: String) -> [UInt8] {
        Array(try! Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    /// Every `*.server.txt` of both recordings, as `set-a/NAME` or `set-b/NAME`.
    static let serverCaptures: [String] = ["set-a", "set-b"].flatMap { set in
        (try! FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(set).path))
            .filter { $0.hasSuffix(".server.txt") }.sorted().map { "\(set)/\($0)" }
    }

    /// Decodes a whole byte stream handed over in the given chunk sizes.
    static func decode(_ bytes: [UInt8], chunks: [Int]? = nil, expectBanner: Bool = true, maxMessageSize: Int = 1 << 20) -> [AMIFrame] {
        var parser = AMIFrameParser(expectBanner: expectBanner, maxMessageSize: maxMessageSize)
        var buffer = ByteBuffer()
        var frames: [AMIFrame] = []
        var offset = 0
        for size in (chunks ?? [bytes.count]) + [bytes.count] where offset < bytes.count {
            let end = min(bytes.count, offset + max(1, size))
            buffer.writeBytes(bytes[offset..<end])
            offset = end
            while let frame = parser.next(&buffer) { frames.append(frame) }
        }
        return frames
    }

    static func messages(_ frames: [AMIFrame]) -> [AMIMessage] {
        frames.compactMap { if case .message(let m) = $0 { m } else { nil } }
    }
}

/// Per-scenario event and response counts recorded with set B (its index.json).
struct CaptureIndexEntry: Decodable {
    let scenario: String
    let protocolName: String
    let events: [String: Int]?
    let responses: [String: Int]?

    enum CodingKeys: String, CodingKey {
        case scenario, events, responses
        case protocolName = "protocol"
    }

    static let all: [CaptureIndexEntry] = try! JSONDecoder().decode(
        [CaptureIndexEntry].self, from: Data(Fixtures.bytes("set-b/index.json")))
}
