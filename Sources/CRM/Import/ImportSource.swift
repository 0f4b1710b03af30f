import Foundation

/// The file an import reads, as UTF-8: the original when it is UTF-8, else a converted copy beside
/// the temporary files (removed by `cleanup`). Checked whole before the import reads a row, so an
/// unreadable file is refused before anything is written.
struct ImportSource {
    let utf8Path: String
    let encoding: TextEncoding
    private let temporary: URL?

    /// Reads `path` to tell or check its encoding (`encoding` when named) and converts it when needed.
    static func prepare(path: String, encoding named: TextEncoding?) throws -> ImportSource {
        var detector = EncodingDetector()
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 256 * 1024), !chunk.isEmpty { detector.feed(Array(chunk)) }
        } catch {
            throw ImportError.cannotOpen(path: path)
        }
        let detected = detector.finish()
        let encoding = named ?? detected
        switch encoding {
        case .utf8?:
            guard detector.utf8.valid else { throw ImportError.unreadable(path: path, line: detector.utf8.firstBadLine ?? 1, encoding: "UTF-8") }
            return ImportSource(utf8Path: path, encoding: .utf8, temporary: nil)
        case .gb18030?:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-import-\(UUID().uuidString)")
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let converted = directory.appendingPathComponent("utf8.csv")
            do {
                try Transcoder.gb18030ToUTF8(source: path, destination: converted.path)
            } catch let failure as Transcoder.Failure {
                try? FileManager.default.removeItem(at: directory)
                throw ImportError.unreadable(path: path, line: max(1, failure.line), encoding: "GB18030")
            }
            return ImportSource(utf8Path: converted.path, encoding: .gb18030, temporary: directory)
        case nil:
            throw ImportError.unreadable(path: path, line: detector.utf8.firstBadLine ?? 1, encoding: "UTF-8 or GB18030")
        }
    }

    func cleanup() {
        if let temporary { try? FileManager.default.removeItem(at: temporary) }
    }
}
