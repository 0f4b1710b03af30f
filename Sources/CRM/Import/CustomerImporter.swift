import Foundation
import Logging
import SQLKit
import Telephony

/// Imports customers from a CSV file in UTF-8 (BOM or not) or GB18030/GBK, in constant memory.
///
/// The whole file is checked before anything is written: its encoding (told from the bytes, or
/// named), every row's fields, phones, grade and owner. Rows that fail go to the reject file with
/// their line and reason, a malformed line included; a file that cannot be read is refused. Then
/// the good rows are committed in batches, each batch in one transaction, so an interrupted import
/// leaves only whole batches behind. Importing the same file again adds nothing (a customer is the
/// same when a row's name and one of its phones match).
public struct CustomerImporter: Sendable {
    public var batchSize: Int
    /// Owner for rows without a 负责人/owner value; rows without either go into the pool (公海).
    public var defaultOwner: String?
    /// The team whose pool takes rows without an owner (`nil`: the whole centre's pool).
    public var poolTeamID: Int?
    /// Create a user for an owner name that matches none; otherwise such a row is rejected.
    public var createOwners: Bool
    /// The file's encoding; `nil` tells it from the bytes.
    public var encoding: TextEncoding?
    let store: CRMStore

    public init(store: CRMStore, batchSize: Int = 500, defaultOwner: String? = nil, createOwners: Bool = false, encoding: TextEncoding? = nil,
                poolTeamID: Int? = nil) {
        self.store = store
        self.poolTeamID = poolTeamID
        self.batchSize = max(1, batchSize)
        self.defaultOwner = defaultOwner
        self.createOwners = createOwners
        self.encoding = encoding
    }

    /// The existing user whose name is nearest to `name` (a typo, `王 芳` for 王芳).
    public static func closestOwner(to name: String, store: CRMStore) async throws -> String? {
        OwnerDirectory(users: try await store.users()).closest(to: name)
    }

    private struct PendingRow: Sendable {
        let line: Int
        let row: ImportRowParser.Row
    }

    /// Imports `path`; rejected rows go to `rejectsPath` (default: `path` with `.rejects.csv`).
    public func run(path: String, rejectsPath: String? = nil,
                    progress: @Sendable (ImportReport) -> Void = { _ in }) async throws -> ImportReport {
        guard FileManager.default.isReadableFile(atPath: path) else { throw ImportError.cannotOpen(path: path) }
        let source = try ImportSource.prepare(path: path, encoding: encoding)
        defer { source.cleanup() }
        let size = (try? FileManager.default.attributesOfItem(atPath: source.utf8Path)[.size] as? Int) ?? 0
        let owners = OwnerDirectory(users: try await store.users())
        if let defaultOwner, !createOwners, owners.id(of: defaultOwner) == nil {
            throw ImportError.unknownDefaultOwner(name: defaultOwner, closest: owners.closest(to: defaultOwner))
        }

        // Pass 1: check every row; the rejected ones are final.
        var reader = try Self.reader(source.utf8Path, path: path)
        defer { reader.close() }
        let (header, headerBytes) = try Self.header(&reader)
        let parser = ImportRowParser(positions: ImportColumn.positions(of: header), normalizer: store.normalizer)
        let rejectsPath = rejectsPath ?? Self.defaultRejectsPath(for: path)
        var rejects = RejectWriter(path: rejectsPath, header: header)
        defer { rejects.close() }
        var report = ImportReport()
        report.totalBytes = 2 * size
        report.bytesRead = headerBytes
        report.encoding = source.encoding
        var rejected = Set<Int>()
        while let record = try Self.next(&reader, path: path) {
            report.bytesRead += record.byteCount
            let fields: [String]
            switch record.content {
            case .malformed(let reason, let text):
                try rejects.write(line: record.line, reason: "not a CSV row: \(reason)", fields: [text])
                report.rowsRead += 1
                report.rejected += 1
                rejected.insert(record.line)
                continue
            case .fields(let values):
                fields = values
            }
            if fields.count == 1, fields[0].isEmpty { continue }  // blank line
            report.rowsRead += 1
            if let reason = check(fields, header: header, parser: parser, owners: owners) {
                try rejects.write(line: record.line, reason: reason, fields: fields)
                report.rejected += 1
                rejected.insert(record.line)
            }
            if report.rowsRead % batchSize == 0 { progress(report) }
        }

        // Pass 2: write the rows that passed.
        var writer = try Self.reader(source.utf8Path, path: path)
        defer { writer.close() }
        _ = try Self.header(&writer)
        var batch: [PendingRow] = []
        batch.reserveCapacity(batchSize)
        var ownerIDs: [String: Int] = [:]
        while let record = try Self.next(&writer, path: path) {
            report.bytesRead += record.byteCount
            guard case .fields(let fields) = record.content, !rejected.contains(record.line), !(fields.count == 1 && fields[0].isEmpty),
                  case .success(let row) = parser.parse(fields) else { continue }
            batch.append(PendingRow(line: record.line, row: row))
            if batch.count >= batchSize {
                try Task.checkCancellation()
                try await commit(batch, report: &report, owners: &ownerIDs)
                batch.removeAll(keepingCapacity: true)
                progress(report)
            }
        }
        if !batch.isEmpty { try await commit(batch, report: &report, owners: &ownerIDs) }
        report.rejectsPath = report.rejected > 0 ? rejectsPath : nil
        progress(report)
        store.logger.info("import finished", metadata: [
            "file": "\(path)", "encoding": "\(source.encoding.rawValue)", "created": "\(report.created)", "updated": "\(report.updated)",
            "unchanged": "\(report.unchanged)", "rejected": "\(report.rejected)",
        ])
        return report
    }

    /// Why a row cannot be imported, or `nil` when it can.
    private func check(_ fields: [String], header: [String], parser: ImportRowParser, owners: OwnerDirectory) -> String? {
        if fields.count > header.count, fields[header.count...].contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            return "\(fields.count) fields, but the header has \(header.count) (a comma inside an unquoted value?)"
        }
        switch parser.parse(fields) {
        case .failure(let rejection):
            return rejection.reason
        case .success(let row):
            guard let owner = row.owner ?? defaultOwner else { return nil }  // into the pool
            if !createOwners, owners.id(of: owner) == nil {
                let hint = owners.closest(to: owner).map { "; the closest user is \($0)" } ?? ""
                return "owner (负责人) '\(owner)' is not a user\(hint) (import with --create-owners to add new owners)"
            }
            return nil
        }
    }

    private static func reader(_ utf8Path: String, path: String) throws -> CSVRecordReader {
        do { return try CSVRecordReader(path: utf8Path) } catch { throw ImportError.cannotOpen(path: path) }
    }

    private static func next(_ reader: inout CSVRecordReader, path: String) throws -> CSVRecordReader.Record? {
        do { return try reader.next() } catch { throw ImportError.cannotOpen(path: path) }
    }

    /// The header row, its byte count, and the reader told how many fields a row has.
    private static func header(_ reader: inout CSVRecordReader) throws -> ([String], Int) {
        guard let record = try reader.next(), case .fields(let header) = record.content else {
            throw ImportError.missingColumns(found: [], need: "a header row")
        }
        let positions = ImportColumn.positions(of: header)
        guard positions[.name] != nil else { throw ImportError.missingColumns(found: header, need: "a name (姓名) column") }
        guard positions[.phone] != nil || positions[.mobile] != nil else {
            throw ImportError.missingColumns(found: header, need: "a phone (电话) or mobile (手机) column")
        }
        reader.expectedFieldCount = header.count
        return (header, record.byteCount)
    }

    static func defaultRejectsPath(for path: String) -> String {
        (path.hasSuffix(".csv") ? String(path.dropLast(4)) : path) + ".rejects.csv"
    }

    /// Writes one batch in one transaction; counters and the owner cache change only if it commits.
    private func commit(_ batch: [PendingRow], report: inout ImportReport, owners: inout [String: Int]) async throws {
        let knownOwners = owners
        let defaultOwner = defaultOwner, poolTeamID = poolTeamID
        let (outcomes, newOwners) = try await store.database.withTransaction { sql in
            var owners = knownOwners
            var rows: [ImportBatchWriter.Row] = []
            rows.reserveCapacity(batch.count)
            for pending in batch {
                guard let ownerName = pending.row.owner ?? defaultOwner else {
                    rows.append(.init(parsed: pending.row, ownerID: nil))
                    continue
                }
                let id: Int
                if let known = owners[ownerName] { id = known } else {
                    id = try await store.ensureUser(named: ownerName, in: sql)
                    owners[ownerName] = id
                }
                rows.append(.init(parsed: pending.row, ownerID: id))
            }
            return (try await ImportBatchWriter(sql: sql, poolTeamID: poolTeamID).write(rows), owners)
        }
        owners = newOwners
        for (pending, outcome) in zip(batch, outcomes) {
            switch outcome {
            case .created:
                report.created += 1
                if pending.row.owner ?? defaultOwner == nil { report.pooled += 1 }
            case .updated: report.updated += 1
            case .unchanged: report.unchanged += 1
            }
        }
    }

    static func comparableName(_ name: String) -> String {
        name.lowercased().filter { !$0.isWhitespace }
    }
}
