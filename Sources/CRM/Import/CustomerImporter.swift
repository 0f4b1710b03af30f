import Foundation
import Logging
import SQLKit
import Telephony

/// Imports customers from a UTF-8 CSV file in constant memory.
///
/// Rows are committed in batches, each batch in one transaction, so an interrupted import leaves
/// only whole batches behind; importing the same file again adds nothing (a customer is the same
/// when a row's name and one of its phones match). Rejected rows go to a reject file with their
/// line number and reason.
public struct CustomerImporter: Sendable {
    public var batchSize: Int
    /// Owner for rows without a 负责人/owner value; rows without either are rejected.
    public var defaultOwner: String?
    let store: CRMStore

    public init(store: CRMStore, batchSize: Int = 500, defaultOwner: String? = nil) {
        self.store = store
        self.batchSize = max(1, batchSize)
        self.defaultOwner = defaultOwner
    }

    private struct PendingRow: Sendable {
        let line: Int
        let fields: [String]
        let row: ImportRowParser.Row
    }

    /// Imports `path`; rejected rows go to `rejectsPath` (default: `path` with `.rejects.csv`).
    public func run(path: String, rejectsPath: String? = nil,
                    progress: @Sendable (ImportReport) -> Void = { _ in }) async throws -> ImportReport {
        guard FileManager.default.isReadableFile(atPath: path), var reader = try? CSVRecordReader(path: path) else {
            throw ImportError.cannotOpen(path: path)
        }
        defer { reader.close() }
        let headerRecord: CSVRecordReader.Record?
        do {
            headerRecord = try reader.next()
        } catch {
            throw ImportError.unreadable(path: path, afterLine: 0, underlying: error.description)
        }
        let header = headerRecord?.fields ?? []
        let positions = ImportColumn.positions(of: header)
        guard positions[.name] != nil else { throw ImportError.missingColumns(found: header, need: "a name (姓名) column") }
        guard positions[.phone] != nil || positions[.mobile] != nil else {
            throw ImportError.missingColumns(found: header, need: "a phone (电话) or mobile (手机) column")
        }
        let parser = ImportRowParser(positions: positions, normalizer: store.normalizer)
        let rejectsPath = rejectsPath ?? Self.defaultRejectsPath(for: path)
        var rejects = RejectWriter(path: rejectsPath, header: header)

        var report = ImportReport()
        report.totalBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        report.bytesRead = headerRecord?.byteCount ?? 0
        var batch: [PendingRow] = []
        batch.reserveCapacity(batchSize)
        var owners: [String: Int] = [:]

        var lastLine = headerRecord?.line ?? 0
        while true {
            let record: CSVRecordReader.Record
            do {
                guard let next = try reader.next() else { break }
                record = next
            } catch {
                if !batch.isEmpty { try await commit(batch, report: &report, owners: &owners) }
                rejects.close()
                throw ImportError.unreadable(path: path, afterLine: lastLine, underlying: error.description)
            }
            let (rowLine, fields) = (record.line, record.fields)
            lastLine = rowLine
            report.rowsRead += 1
            report.bytesRead += record.byteCount
            if fields.count == 1, fields[0].isEmpty { report.rowsRead -= 1; continue }  // blank line
            switch parser.parse(fields) {
            case .failure(let rejection):
                try rejects.write(line: rowLine, reason: rejection.reason, fields: fields)
                report.rejected += 1
            case .success(let row):
                if row.owner == nil, defaultOwner == nil {
                    try rejects.write(line: rowLine, reason: "no owner (负责人) and no default owner given", fields: fields)
                    report.rejected += 1
                } else {
                    batch.append(PendingRow(line: rowLine, fields: fields, row: row))
                }
            }
            if batch.count >= batchSize {
                try Task.checkCancellation()
                try await commit(batch, report: &report, owners: &owners)
                batch.removeAll(keepingCapacity: true)
                progress(report)
            }
        }
        if !batch.isEmpty {
            try await commit(batch, report: &report, owners: &owners)
        }
        rejects.close()
        report.rejectsPath = report.rejected > 0 ? rejectsPath : nil
        progress(report)
        store.logger.info("import finished", metadata: [
            "file": "\(path)", "created": "\(report.created)", "updated": "\(report.updated)",
            "unchanged": "\(report.unchanged)", "rejected": "\(report.rejected)",
        ])
        return report
    }

    static func defaultRejectsPath(for path: String) -> String {
        (path.hasSuffix(".csv") ? String(path.dropLast(4)) : path) + ".rejects.csv"
    }

    /// Writes one batch in one transaction; counters and the owner cache change only if it commits.
    private func commit(_ batch: [PendingRow], report: inout ImportReport, owners: inout [String: Int]) async throws {
        let knownOwners = owners
        let defaultOwner = defaultOwner
        let (outcomes, newOwners) = try await store.database.withTransaction { sql in
            var owners = knownOwners
            var rows: [ImportBatchWriter.Row] = []
            rows.reserveCapacity(batch.count)
            for pending in batch {
                let ownerName = pending.row.owner ?? defaultOwner ?? ""
                if owners[ownerName] == nil { owners[ownerName] = try await store.ensureUser(named: ownerName, in: sql) }
                rows.append(.init(parsed: pending.row, ownerID: owners[ownerName]!))
            }
            return (try await ImportBatchWriter(sql: sql).write(rows), owners)
        }
        owners = newOwners
        for outcome in outcomes {
            switch outcome {
            case .created: report.created += 1
            case .updated: report.updated += 1
            case .unchanged: report.unchanged += 1
            }
        }
    }

    static func comparableName(_ name: String) -> String {
        name.lowercased().filter { !$0.isWhitespace }
    }
}

