import ArgumentParser
import CRM
import Foundation

/// Customer CSV import rate.
struct ImportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Rows per second importing a customer CSV.")

    @Option(help: "Rows in the generated CSV") var rows = 100_000
    @Option(help: "sqlite, postgres or both") var engine = "both"

    func run() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-bench-\(UUID().uuidString).csv").path
        try writeCSV(to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await BenchDatabase.forEach(engine) { name, store in
            let importer = CustomerImporter(store: store, batchSize: 1_000, createOwners: true)
            let start = ContinuousClock.now
            let report = try await importer.run(path: path, rejectsPath: path + ".rejects")
            let elapsed = (ContinuousClock.now - start).seconds
            print(String(format: "[%@] import %d rows: %.0f rows/s (%.1f s; %d created, %d rejected)",
                         name, report.rowsRead, Double(report.rowsRead) / elapsed, elapsed, report.created, report.rejected))
            let again = ContinuousClock.now
            let second = try await importer.run(path: path, rejectsPath: path + ".rejects")
            let againElapsed = (ContinuousClock.now - again).seconds
            print(String(format: "[%@] re-import (idempotent) %d rows: %.0f rows/s, %d created",
                         name, second.rowsRead, Double(second.rowsRead) / againElapsed, second.created))
        }
    }

    /// A realistic file: Chinese headers, mixed phone notations, grades, owners, vehicles, one bad row in 100.
    private func writeCSV(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw CocoaError(.fileWriteNoPermission) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var text = "\u{FEFF}姓名,电话,手机,等级,负责人,车型,车架号,保险到期\n"
        let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"), given = Array("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平")
        let owners = (1...20).map { "顾问\($0)" }, models = ["Model Y", "Camry", "Civic", "A4L", "X3", "Passat"]
        for i in 0..<rows {
            let name = String(surnames[i % surnames.count]) + String(given[(i / 20) % given.count]) + String(given[(i / 400) % given.count]) + "\(i)"
            let mobile = String(format: "138%08d", i)
            let written = [mobile, "+86" + mobile, "0" + mobile, String(mobile.prefix(3)) + "-" + String(mobile.dropFirst(3).prefix(4)) + "-" + String(mobile.suffix(4))][i % 4]
            let landline = i % 3 == 0 ? String(format: "021-%08d", 30_000_000 + i) : ""
            let phone = i % 100 == 99 ? "12ab" : landline
            let vin = i % 2 == 0 ? String(format: "LRW3E7EK1NC%06d", i % 1_000_000) : ""
            let expiry = i % 2 == 0 ? String(format: "2027-%02d-%02d", i % 12 + 1, i % 28 + 1) : ""
            text += "\(name),\(phone),\(written),\(["A", "B", "C"][i % 3]),\(owners[i % owners.count]),\(models[i % models.count]),\(vin),\(expiry)\n"
            if text.utf8.count > 1 << 20 { try handle.write(contentsOf: Data(text.utf8)); text = "" }
        }
        try handle.write(contentsOf: Data(text.utf8))
    }
}
