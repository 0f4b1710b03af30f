import ArgumentParser
import CRM
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import data from files.", subcommands: [Customers.self])

    struct Customers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import customers from a CSV in UTF-8 or GB18030/GBK (English or Chinese headers); safe to run twice.",
            discussion: "The whole file is checked first: rejected rows (with line and reason) go to FILE.rejects.csv, which opens in Excel; a file that cannot be read is refused before anything is written.")
        @OptionGroup var options: GlobalOptions
        @Argument(help: "CSV file") var file: String
        @Option(help: "Owner for rows without 负责人/owner; without one, such rows go into the pool (公海)") var defaultOwner: String?
        @Option(help: "The team whose pool takes rows without an owner (default: the whole centre's pool)") var poolTeam: String?
        @Option(help: "Where to write rejected rows (default FILE.rejects.csv)") var rejects: String?
        @Option(help: "Rows per transaction") var batchSize: Int = 500
        @Option(help: "utf-8 or gb18030 (also gbk); default: told from the file") var encoding: String?
        @Flag(help: "Create a user for an owner (负责人) that matches none, instead of rejecting the row") var createOwners = false

        func run() async throws {
            var named: TextEncoding?
            if let encoding {
                guard let parsed = TextEncoding(name: encoding) else { throw CommandFailure("--encoding \(encoding): use utf-8 or gb18030 (gbk)") }
                named = parsed
            }
            try await withStore(options) { store, _ in
                var poolTeamID: Int?
                if let poolTeam {
                    guard let team = try await store.teamID(named: poolTeam) else { throw CommandFailure("--pool-team \(poolTeam): there is no such team") }
                    poolTeamID = team
                }
                let importer = CustomerImporter(store: store, batchSize: batchSize, defaultOwner: defaultOwner, createOwners: createOwners,
                                                encoding: named, poolTeamID: poolTeamID)
                let bar = ProgressBar()
                let report: ImportReport
                do {
                    report = try await importer.run(path: file, rejectsPath: rejects) { bar.show($0) }
                } catch let error as ImportError {
                    bar.finish()
                    throw CommandFailure(error.description)
                }
                bar.finish()
                print("read \(report.rowsRead) rows (\(report.encoding?.rawValue ?? "?")): \(report.created) customers created, \(report.updated) updated, "
                    + "\(report.unchanged) already present, \(report.rejected) rejected"
                    + (report.pooled > 0 ? "; \(report.pooled) new customers without an owner went into the pool (公海)" : ""))
                if let path = report.rejectsPath { print("rejected rows with line numbers and reasons: \(path)") }
            }
        }
    }
}

/// A one-line progress bar on standard error, drawn only when it is a terminal.
final class ProgressBar: Sendable {
    private let enabled = isatty(STDERR_FILENO) == 1
    private let started = Date()

    func show(_ report: ImportReport) {
        guard enabled, report.totalBytes > 0 else { return }
        let fraction = min(1, Double(report.bytesRead) / Double(report.totalBytes))
        let width = 30, filled = Int(fraction * Double(width))
        let rate = Double(report.rowsRead) / max(0.001, Date().timeIntervalSince(started))
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            + String(format: "%3.0f%% %d rows %.0f rows/s %d rejected", fraction * 100, report.rowsRead, rate, report.rejected)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
