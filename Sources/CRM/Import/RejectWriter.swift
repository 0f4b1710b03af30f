import Foundation

/// Writes rejected rows as CSV: their line number, the reason, then the original fields.
/// The file is created on the first rejection only.
struct RejectWriter {
    let path: String
    let header: [String]
    private var handle: FileHandle?

    init(path: String, header: [String]) {
        self.path = path
        self.header = header
        try? FileManager.default.removeItem(atPath: path)
    }

    mutating func write(line: Int, reason: String, fields: [String]) throws(ImportError) {
        do {
            if handle == nil {
                guard FileManager.default.createFile(atPath: path, contents: Data(CSVFormat.row(["line", "reason"] + header).utf8)) else {
                    throw ImportError.cannotWriteRejects(path: path)
                }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                try handle?.seekToEnd()
            }
            try handle?.write(contentsOf: Data(CSVFormat.row([String(line), reason] + fields).utf8))
        } catch {
            throw ImportError.cannotWriteRejects(path: path)
        }
    }

    func close() {
        try? handle?.close()
    }
}
