import TestSupport
import CRM
import Foundation
import Testing

@Suite("Customer CSV import")
struct ImportTests {
    static let chineseCSV = """
        姓名,电话,手机,等级,负责人,车型,车架号,保险到期
        张三,021-8888 6666,138-0013-8000,A,王芳,Model Y,LRW3E7EK1NC123456,2026-03-31
        李四,,+8613900139000,B级,赵强,,,
        坏号码,12ab,,A,王芳,,,
        王五,13700137000,,D,王芳,,,
        "赵,六",13600136000,,C,王芳,,,2026/2/30
        钱七,010-66668888,,,,,,

        """

    func withCSV<T>(_ text: String, bom: Bool = false, _ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("customers.csv").path
        try Data((bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)).write(to: URL(fileURLWithPath: path))
        return try await body(path)
    }

    @Test("Chinese headers with a BOM: good rows imported, bad rows rejected with line and reason", arguments: TestEngine.available)
    func importsChineseWithBOM(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await withCSV(Self.chineseCSV, bom: true) { path in
                let report = try await CustomerImporter(store: store, batchSize: 2, defaultOwner: "公海", createOwners: true).run(path: path)
                #expect(report.rowsRead == 6)
                #expect(report.created == 3)
                #expect(report.rejected == 3)
                let rejects = try String(contentsOfFile: try #require(report.rejectsPath), encoding: .utf8)
                let lines = rejects.split(separator: "\n").map(String.init)
                #expect(lines.count == 4)
                #expect(lines[1].hasPrefix("4,phone '12ab' is not a phone number"))
                #expect(lines[2].hasPrefix("5,\"grade (等级) 'D' is not A, B or C\""))
                #expect(lines[3].hasPrefix("6,policy expiry (保险到期) '2026/2/30' is not a date"))
                #expect(lines[3].contains("\"赵,六\""))

                let zhang = try #require(try await store.findCustomers("13800138000").first)
                #expect(zhang.name == "张三" && zhang.grade == .a && zhang.ownerName == "王芳")
                #expect(Set(zhang.phones.map(\.e164)) == ["+8613800138000", "+862188886666"])
                #expect(try await store.findCustomers("13900139000").first?.ownerName == "赵强")
                #expect(try await store.findCustomers("01066668888").first?.ownerName == "公海")
                #expect(try await store.user(named: "赵强")?.role == .agent)
            }
        }
    }

    @Test("importing the same file twice adds nothing", arguments: TestEngine.available)
    func idempotent(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await withCSV(Self.chineseCSV) { path in
                let importer = CustomerImporter(store: store, defaultOwner: "公海", createOwners: true)
                let first = try await importer.run(path: path)
                let second = try await importer.run(path: path)
                #expect(first.created == 3)
                #expect(second.created == 0 && second.updated == 0 && second.unchanged == 3)
                let counts = try await store.rowCounts()
                #expect(counts == (3, 4, 1, 1))
            }
        }
    }

    @Test("vehicles without VIN and rows repeating a customer in one file are not duplicated, on import or re-import", arguments: TestEngine.available)
    func foldedRows(_ engine: TestEngine) async throws {
        let csv = """
            姓名,手机,负责人,车型,车牌,保险到期
            孙八,13800138000,王芳,Camry,沪A12345,2027-01-31
            孙 八,+86 138 0013 8000,王芳,Camry,沪A12345,2027-01-31
            孙八,13800138000,王芳,Civic,,
            """
        try await TestDatabase.withStore(engine) { store async throws in
            try await withCSV(csv) { path in
                for batchSize in [1, 500] {
                    let report = try await CustomerImporter(store: store, batchSize: batchSize, createOwners: true).run(path: path)
                    #expect(report.rejected == 0)
                }
                let counts = try await store.rowCounts()
                #expect(counts == (1, 1, 2, 1))
            }
        }
    }

    @Test("namesakes in one batch stay two customers, each with its own phone and vehicle", arguments: TestEngine.available)
    func namesakes(_ engine: TestEngine) async throws {
        let csv = "name,mobile,owner,model\n张伟,13800000001,W,Camry\n张伟,13800000002,W,\n"
        try await TestDatabase.withStore(engine) { store async throws in
            try await withCSV(csv) { path in
                #expect(try await CustomerImporter(store: store, createOwners: true).run(path: path).created == 2)
                let first = try #require(try await store.findCustomers("13800000001").first)
                let second = try #require(try await store.findCustomers("13800000002").first)
                #expect(first.id != second.id)
                #expect(first.phones.map(\.e164) == ["+8613800000001"])
                #expect(second.phones.map(\.e164) == ["+8613800000002"])
                let models = try await store.database.withConnection { sql in
                    try await sql.select().column("model").from("vehicles").where("customer_id", .equal, first.id).all(decodingColumn: "model", as: String.self)
                }
                #expect(models == ["Camry"])
            }
        }
    }

    @Test("English headers, quoted multi-line fields keep the right line numbers", arguments: TestEngine.available)
    func englishAndMultiline(_ engine: TestEngine) async throws {
        let csv = "name,mobile,owner,grade\r\n\"Acme\nMotors\",13800138000,Wang,A\r\nBad,not-a-phone,Wang,B\r\n"
        try await TestDatabase.withStore(engine) { store async throws in
            try await withCSV(csv) { path in
                let report = try await CustomerImporter(store: store, createOwners: true).run(path: path)
                #expect(report.created == 1 && report.rejected == 1)
                let rejects = try String(contentsOfFile: try #require(report.rejectsPath), encoding: .utf8)
                #expect(rejects.contains("\n4,phone 'not-a-phone'"))
                #expect(try await store.findCustomers("13800138000").first?.name == "Acme\nMotors")
            }
        }
    }

    @Test("a row without an owner and no default owner goes into the centre's pool (公海), not lost", arguments: TestEngine.available)
    func ownerlessRowsPooled(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await withCSV("姓名,手机\n孙八,13800138000\n") { path in
                let report = try await CustomerImporter(store: store).run(path: path)
                #expect(report.rejected == 0 && report.created == 1 && report.pooled == 1)
                let found = try #require(try await store.findCustomers("13800138000").first)
                #expect(found.name == "孙八" && found.ownerID == nil && found.ownerName == nil)
            }
        }
    }

    @Test("a file without name or phone columns is refused before anything is written", arguments: TestEngine.available)
    func missingColumns(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            try await withCSV("foo,bar\n1,2\n") { path in
                await #expect(throws: ImportError.self) { try await CustomerImporter(store: store).run(path: path) }
            }
        }
    }

    @Test("a file that is neither UTF-8 nor GB18030 is refused with its line before anything is written", arguments: TestEngine.available)
    func unreadableRefused(_ engine: TestEngine) async throws {
        var bytes = Array("name,mobile,owner\nA,13800138000,W\nB,13800138001,W\n".utf8)
        bytes += [0x43, 0xFF, 0xFE] + Array(",13800138002,W\n".utf8)
        try await TestDatabase.withStore(engine) { store async throws in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("utf8-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("bad.csv").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let error = await #expect(throws: ImportError.self) {
                try await CustomerImporter(store: store, batchSize: 1, createOwners: true).run(path: path)
            }
            #expect(error == .unreadable(path: path, line: 4, encoding: "UTF-8 or GB18030"))
            #expect(error?.description.contains("Nothing was imported") == true)
            #expect(try await store.findCustomers("13800138000").isEmpty)
            #expect(try await store.users().isEmpty)
        }
    }
}

@Suite("Interrupted import")
struct InterruptedImportTests {
    @Test("cancelling mid-file leaves whole batches only, and a re-run completes it without duplicates", arguments: TestEngine.available)
    func cancelledImport(_ engine: TestEngine) async throws {
        var csv = "name,mobile,owner\n"
        for i in 0..<1_000 { csv += "客户\(i),138\(String(format: "%08d", i)),W\n" }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cancel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("big.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        try await TestDatabase.withStore(engine) { store async throws in
            let importer = CustomerImporter(store: store, batchSize: 100, createOwners: true)
            let task = Task {
                try await importer.run(path: path) { report in
                    if report.created >= 300 { withUnsafeCurrentTask { $0?.cancel() } }
                }
            }
            await #expect(throws: CancellationError.self) { try await task.value }
            let count = try await store.database.withConnection { sql in
                try await sql.select().column("id").from("customers").all().count
            }
            #expect(count >= 300 && count < 1_000)
            #expect(count % 100 == 0)
            let resumed = try await importer.run(path: path)
            #expect(resumed.created == 1_000 - count && resumed.unchanged == count)
        }
    }
}

extension CRMStore {
    /// Rows in customers, phones, vehicles and insurance_policies.
    func rowCounts() async throws -> (Int, Int, Int, Int) {
        try await database.withConnection { sql in
            (try await sql.select().column("id").from("customers").all().count,
             try await sql.select().column("id").from("phones").all().count,
             try await sql.select().column("id").from("vehicles").all().count,
             try await sql.select().column("id").from("insurance_policies").all().count)
        }
    }
}
