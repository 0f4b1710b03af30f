import Foundation
import PBXSimulator

/// The real ARI transcripts copied byte-exact from shared/asterisk-captures.
enum ARIFixtures {
    static let root = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    static func text(_ path: String) -> String {
        String(decoding: try! Data(contentsOf: root.appendingPathComponent(path)), as: UTF8.self)
    }

    /// Every event message of every `*.events.jsonl`, with its file.
    static let eventFiles: [String] = ["", "set-b/"].flatMap { folder in
        (try! FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path))
            .filter { $0.hasSuffix(".events.jsonl") }.sorted().map { folder + $0 }
    }

    static func messages(_ file: String) -> [String] {
        text(file).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }

    /// The exact request/response exchanges of a set B `*.http.jsonl`.
    static func exchanges(_ scenario: String) -> [ARIHTTPReplayServer.Exchange] {
        struct Line: Decodable { let request: String; let response: String }
        return messages("set-b/\(scenario).http.jsonl").map { line in
            let decoded = try! JSONDecoder().decode(Line.self, from: Data(line.utf8))
            // The JSON strings hold the raw bytes as Latin-1 code points.
            return ARIHTTPReplayServer.Exchange(rawRequest: decoded.request,
                                                rawResponse: decoded.response.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        }
    }
}
