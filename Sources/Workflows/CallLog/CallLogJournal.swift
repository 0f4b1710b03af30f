import CRM
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The call log's local journal: writes the database could not take, kept in an append-only,
/// fsynced file so that a stop (or a crash) while the database is down loses no call. The next
/// start replays it; the store's writes are idempotent, so a replayed call is never doubled.
///
/// Writes set aside as permanently failed (a constraint, bad data) go to a second file beside it,
/// one JSON line each with the reason, for an operator to look at.
public final class CallLogJournal: Sendable {
    /// The journal file (`calldesk-calls-<pbx>.journal`) and the set-aside file (`….rejected`).
    public let path: String
    public let rejectedPath: String

    /// What a journal line holds.
    private struct Line: Codable {
        var entry: CallEntry
        var reason: String?
    }

    /// A journal for one PBX in `directory` (created if missing).
    public init(directory: String, pbx: String) throws(JournalError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw JournalError(path: directory, operation: "create the directory", detail: "\(error)")
        }
        path = "\(directory)/calldesk-calls-\(pbx).journal"
        rejectedPath = path + ".rejected"
    }

    /// Appends `entries` and waits until they are on disk.
    public func append(_ entries: [CallEntry]) throws(JournalError) {
        try appendLines(entries.map { Line(entry: $0) }, to: path)
    }

    /// Keeps a write the database refused for good, with why.
    public func setAside(_ entry: CallEntry, reason: String) throws(JournalError) {
        try appendLines([Line(entry: entry, reason: reason)], to: rejectedPath)
    }

    /// Every entry in the journal, oldest first; lines that cannot be read (a torn last write) are skipped and counted.
    public func entries() throws(JournalError) -> (entries: [CallEntry], unreadable: Int) {
        guard FileManager.default.fileExists(atPath: path) else { return ([], 0) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw JournalError(path: path, operation: "read", detail: "\(error)")
        }
        var entries: [CallEntry] = [], unreadable = 0
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            if let decoded = try? Self.decoder.decode(Line.self, from: Data(line)) { entries.append(decoded.entry) } else { unreadable += 1 }
        }
        return (entries, unreadable)
    }

    /// Empties the journal once everything in it is in the database.
    public func clear() throws(JournalError) {
        guard FileManager.default.fileExists(atPath: path) else { return }
        let fd = open(path, O_WRONLY | O_TRUNC)
        guard fd >= 0 else { throw JournalError(path: path, operation: "truncate", detail: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw JournalError(path: path, operation: "fsync", detail: String(cString: strerror(errno))) }
    }

    private func appendLines(_ lines: [Line], to file: String) throws(JournalError) {
        var bytes: [UInt8] = []
        for line in lines {
            guard let json = try? Self.encoder.encode(line) else { continue }
            bytes += json
            bytes.append(UInt8(ascii: "\n"))
        }
        let fd = open(file, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { throw JournalError(path: file, operation: "open", detail: String(cString: strerror(errno))) }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw JournalError(path: file, operation: "write", detail: String(cString: strerror(errno))) }
            offset += written
        }
        guard fsync(fd) == 0 else { throw JournalError(path: file, operation: "fsync", detail: String(cString: strerror(errno))) }
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()
}

/// The journal file could not be used: which file, what was being done, and the system's reason.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let operation: String
    public let detail: String

    public var description: String {
        "call-log journal \(path): could not \(operation) (\(detail)); check that calls.journal_directory is writable"
    }
}
