import App
import Foundation
import Logging
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The daemon's log handler writes what swift-log's `StreamLogHandler` writes.
@Suite("The daemon's log handler")
struct LazyMetadataLogHandlerTests {
    /// What `body` writes to standard error, read back through a file.
    static func standardError(_ body: () -> Void) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-stderr-\(UUID().uuidString)").path
        let file = open(path, O_CREAT | O_RDWR | O_TRUNC, 0o600)
        defer { close(file); unlink(path) }
        fflush(nil)
        let saved = dup(2)
        dup2(file, 2)
        body()
        fflush(nil)
        dup2(saved, 2)
        close(saved)
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test("lines, levels and metadata (the logger's, set in any order, and the call's) come out as StreamLogHandler writes them")
    func sameLines() throws {
        let label = "calldesk.test.lazy-\(UUID().uuidString.prefix(8))"
        func exercise(_ handler: some LogHandler) {
            var logger = Logger(label: label) { _ in handler }
            logger.logLevel = .info
            logger[metadataKey: "hb.request.id"] = "7"
            logger[metadataKey: "pbx"] = "main"
            logger.debug("not written")
            logger[metadataKey: "hb.request.id"] = "8"
            logger.info("a call", metadata: ["pbx": "branch", "call": "42"])
            logger[metadataKey: "pbx"] = nil
            logger.error("gone")
        }
        let plain = try Self.standardError { exercise(StreamLogHandler.standardError(label: label)) }
        let lazy = try Self.standardError { exercise(LazyMetadataLogHandler(StreamLogHandler.standardError(label: label))) }
        // Each line starts with its time; the rest must match.
        func bodies(_ text: String) -> [String] {
            text.split(separator: "\n").filter { $0.contains(label) }.map { String($0.drop { $0 != " " }) }
        }
        #expect(bodies(plain).count == 2)
        #expect(bodies(lazy) == bodies(plain))
        #expect(bodies(lazy).first?.contains("call=42") == true && bodies(lazy).first?.contains("pbx=branch") == true)
        #expect(bodies(lazy).first?.contains("hb.request.id=8") == true)
    }
}
