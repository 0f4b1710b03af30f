import CRM
import Foundation
import Testing
import TestSupport

/// What Excel in China writes, and what a new user gets wrong: GB18030 files, stray quotes,
/// owner typos, and a reject file that must open right in Excel.
@Suite("Customer import: encodings, malformed lines, owners, the reject file")
struct ImportEncodingTests {
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    static func file(_ bytes: [UInt8], _ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("import-enc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("customers.csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try await body(path)
    }

    static func gbBytes(_ text: String) throws -> [UInt8] {
        Array(try #require(text.data(using: gb18030)))
    }

    static let csv = "姓名,手机,负责人,车型\n谢伟,13800138000,王芳,长安CS75\n张丽,13900139000,王芳,\n"

    @Test("a GB18030 file is told from its bytes and read right; the same customers from UTF-8 are not added twice",
          arguments: TestEngine.available)
    func gb18030Detected(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            _ = try await store.addUser(name: "王芳", role: .agent)
            // 谢伟 in GBK is D0BB CEB0: valid UTF-8 too (лΰ), which is how it used to come in garbled.
            #expect(try Self.gbBytes("谢伟") == [0xD0, 0xBB, 0xCE, 0xB0])
            try await Self.file(try Self.gbBytes(Self.csv)) { path in
                let report = try await CustomerImporter(store: store).run(path: path)
                #expect(report.encoding == .gb18030 && report.created == 2 && report.rejected == 0)
                #expect(try await store.findCustomers("13800138000").map(\.name) == ["谢伟"])
            }
            try await Self.file(Array(Self.csv.utf8)) { path in
                let report = try await CustomerImporter(store: store).run(path: path)
                #expect(report.encoding == .utf8 && report.created == 0 && report.unchanged == 2)
            }
            #expect(try await store.rowCounts().0 == 2)
        }
    }

    @Test("the encoding can be named; a file that is not in it is refused before anything is written", arguments: TestEngine.available)
    func encodingNamed(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            _ = try await store.addUser(name: "王芳", role: .agent)
            try await Self.file(try Self.gbBytes(Self.csv)) { path in
                let named = try await CustomerImporter(store: store, encoding: .gb18030).run(path: path)
                #expect(named.created == 2)
            }
            // GBK bytes that are not valid UTF-8 (长 is B3A4), named as UTF-8.
            try await Self.file(try Self.gbBytes("姓名,手机,负责人\n长安,13700137000,王芳\n")) { path in
                let error = await #expect(throws: ImportError.self) { try await CustomerImporter(store: store, encoding: .utf8).run(path: path) }
                #expect(error == .unreadable(path: path, line: 1, encoding: "UTF-8"))
            }
            #expect(try await store.rowCounts().0 == 2)
        }
    }

    @Test("a quote that never closes rejects its own line with the reason; the rows before and after it are imported")
    func strayQuoteAtEnd() async throws {
        try await TestDatabase.withStore(.sqlite) { store async throws in
            _ = try await store.addUser(name: "王芳", role: .agent)
            try await Self.file(Array("姓名,手机,负责人\n甲,13800000001,王芳\n\"乙,13800000002,王芳\n丙,13800000003,王芳\n".utf8)) { path in
                let report = try await CustomerImporter(store: store).run(path: path)
                #expect(report.created == 2 && report.rejected == 1)
                let rejects = try String(contentsOfFile: try #require(report.rejectsPath), encoding: .utf8)
                #expect(rejects.contains("3,not a CSV row: a quote opened here never closes"), "\(rejects)")
            }
        }
    }

    @Test("a stray quote closed lines later rejects only the line it opened on", arguments: TestEngine.available)
    func strayQuote(_ engine: TestEngine) async throws {
        let text = "姓名,手机,负责人\n甲,13800000001,王芳\n\"乙,13800000002,王芳\n丙,13800000003,王芳\n丁\"x,13800000004,王芳\n\"戊\"x,13800000005,王芳\n己,13800000006,王芳\n"
        try await TestDatabase.withStore(engine) { store async throws in
            _ = try await store.addUser(name: "王芳", role: .agent)
            try await Self.file(Array(text.utf8)) { path in
                let report = try await CustomerImporter(store: store).run(path: path)
                #expect(report.created == 4, "\(report)")
                #expect(report.rejected == 2)
                let rejects = try String(contentsOfFile: try #require(report.rejectsPath), encoding: .utf8)
                let lines = rejects.split(separator: "\n").map(String.init)
                #expect(lines.count == 3)
                // Line 3's quote closes only on line 5, mid-field: line 3 alone is rejected, and line 4 read again.
                #expect(lines[1].hasPrefix("3,\"not a CSV row: a quoted field is followed by more text"), "\(lines[1])")
                #expect(lines[1].contains("乙,13800000002"))
                #expect(lines[2].hasPrefix("6,\"not a CSV row: a quoted field is followed by more text"), "\(lines[2])")
                #expect(!rejects.contains("UTF-8"))
                for phone in ["13800000001", "13800000003", "13800000004", "13800000006"] {
                    #expect(try await store.findCustomers(phone).count == 1, "\(phone)")
                }
            }
        }
    }

    @Test("an owner that is nobody is a rejected row naming the closest user, unless owners may be created", arguments: TestEngine.available)
    func unknownOwner(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store async throws in
            _ = try await store.addUser(name: "王芳", role: .agent)
            _ = try await store.addUser(name: "赵强", role: .agent)
            try await Self.file(Array("姓名,手机,负责人\n谢伟,13800138000,王 芳\n张丽,13900139000,王芳\n".utf8)) { path in
                let report = try await CustomerImporter(store: store).run(path: path)
                #expect(report.created == 1 && report.rejected == 1)
                let rejects = try String(contentsOfFile: try #require(report.rejectsPath), encoding: .utf8)
                #expect(rejects.contains("owner (负责人) '王 芳' is not a user; the closest user is 王芳"))
                #expect(try await store.users().count == 2)
                let created = try await CustomerImporter(store: store, createOwners: true).run(path: path)
                #expect(created.created == 1 && created.rejected == 0)
                #expect(try await store.user(named: "王 芳") != nil)
            }
            try await Self.file(Array("姓名,手机\n谢伟,13800138000\n".utf8)) { path in
                let error = await #expect(throws: ImportError.self) { try await CustomerImporter(store: store, defaultOwner: "王方").run(path: path) }
                #expect(error == .unknownDefaultOwner(name: "王方", closest: "王芳"))
            }
        }
    }

    @Test("the reject file opens in Excel: UTF-8 with a BOM, formula-like cells made text, readable by its owner only")
    func rejectFileForExcel() async throws {
        try await TestDatabase.withStore(.sqlite) { store async throws in
            _ = try await store.addUser(name: "王芳", role: .agent)
            let text = "姓名,手机,负责人,车型\n=HYPERLINK(\"http://x\"),12ab,王芳,@SUM(A1)\n-2+3,+86 138,王芳,+cmd\n"
            try await Self.file(Array(text.utf8)) { path in
                let report = try await CustomerImporter(store: store).run(path: path)
                #expect(report.rejected == 2)
                let rejectsPath = try #require(report.rejectsPath)
                let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: rejectsPath)))
                #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
                let cells = String(decoding: bytes.dropFirst(3), as: UTF8.self)
                #expect(cells.contains("\"'=HYPERLINK(\"\"http://x\"\")\""))
                #expect(cells.contains("'@SUM(A1)") && cells.contains("'-2+3") && cells.contains("'+86 138") && cells.contains("'+cmd"))
                for line in cells.split(separator: "\n") {
                    for cell in line.split(separator: ",") {
                        let bare = cell.hasPrefix("\"") ? cell.dropFirst() : cell[...]
                        #expect(!["=", "+", "-", "@"].contains(bare.first.map(String.init) ?? ""), "\(cell)")
                    }
                }
                let mode = try FileManager.default.attributesOfItem(atPath: rejectsPath)[.posixPermissions] as? Int
                #expect(mode == 0o600)
            }
        }
    }
}
