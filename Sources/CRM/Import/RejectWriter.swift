import Foundation

/// Writes rejected rows as CSV that opens right in Excel: UTF-8 with a BOM, their line number, the
/// reason, then the original fields, no cell that Excel would run as a formula. Readable by its
/// owner only (it holds customers' data). The file is created on the first rejection only.
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
                let head = [0xEF, 0xBB, 0xBF] + Array(CSVFormat.spreadsheetRow(["line", "reason"] + header).utf8)
                guard FileManager.default.createFile(atPath: path, contents: Data(head), attributes: [.posixPermissions: 0o600]) else {
                    throw ImportError.cannotWriteRejects(path: path)
                }
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                try handle?.seekToEnd()
            }
            try handle?.write(contentsOf: Data(CSVFormat.spreadsheetRow([String(line), reason] + fields).utf8))
        } catch {
            throw ImportError.cannotWriteRejects(path: path)
        }
    }

    func close() {
        try? handle?.close()
    }
}
