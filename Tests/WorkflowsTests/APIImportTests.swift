import CRM
import Foundation
import Testing
import TestSupport

/// Customer imports over the API: a supervisor uploads the CSV Excel wrote, follows its progress,
/// and downloads the reject file; the file is checked whole before anything is written.
@Suite("HTTP API: imports")
struct APIImportTests {
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// Polls an import until it has finished.
    static func finished(_ api: APIClient, _ id: Int, token: String, daemon: DaemonHarness) async throws -> [String: Any] {
        try await daemon.waitUntil("import \(id) finished", timeout: .seconds(20)) {
            let status = try await api.send("/v1/imports/\(id)", token: token).json()["status"] as? String
            return ["done", "failed"].contains(status ?? "")
        }
        return try await api.send("/v1/imports/\(id)", token: token).json()
    }

    @Test("a GB18030 upload is read right; bad rows go to an Excel-safe reject file naming the owner meant; progress ends at 100%",
          arguments: TestEngine.available)
    func uploadAndRejects(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let csv = "姓名,手机,负责人,车型\n谢伟,13700137001,王芳,长安CS75\n张丽,13700137002,赵强,\n陈晨,12ab,王芳,\n=HYPERLINK(1),13700137004,王 芳,\n"
            let bytes = Array(try #require(csv.data(using: Self.gb18030)))
            let started = try await api.send("/v1/imports?fileName=%E5%AE%A2%E6%88%B7.csv", token: daemon.supervisor.token, method: .POST,
                                             bytes: bytes, contentType: "text/csv")
            #expect(started.status == 202, "\(started.body)")
            let id = try #require(try started.json()["id"] as? Int)
            let record = try await Self.finished(api, id, token: daemon.supervisor.token, daemon: daemon)
            #expect(record["status"] as? String == "done" && record["encoding"] as? String == "gb18030")
            #expect(record["fileName"] as? String == "客户.csv" && record["percent"] as? Int == 100)
            #expect(record["rowsRead"] as? Int == 4 && record["created"] as? Int == 2 && record["rejected"] as? Int == 2)
            #expect(try await daemon.store.findCustomers("13700137001").map(\.name) == ["谢伟"])

            let rejects = try await api.send("/v1/imports/\(id)/rejects", token: daemon.supervisor.token)
            #expect(rejects.status == 200 && rejects.headers.first(name: "Content-Type")?.hasPrefix("text/csv") == true)
            #expect(rejects.body.hasPrefix("\u{FEFF}"), "UTF-8 with a BOM, as Excel opens it")
            #expect(rejects.body.contains("王芳") && rejects.body.contains("'=HYPERLINK(1)"), "\(rejects.body)")
            #expect(!rejects.body.contains("谢伟"))

            // Another agent, or an agent at all, reaches none of it.
            #expect(try await api.send("/v1/imports/\(id)", token: daemon.alice.token).status == 404)
            #expect(try await api.send("/v1/imports/\(id)/rejects", token: daemon.bob.token).status == 404)
            let byAgent = try await api.send("/v1/imports", token: daemon.alice.token, method: .POST, bytes: bytes, contentType: "text/csv")
            #expect(byAgent.status == 403)
            let trail = try await daemon.store.auditTrail(entity: "import", id: id)
            #expect(trail.map(\.action) == ["import"] && trail.first?.actorId == daemon.supervisor.user.id)
        }
    }

    @Test("an unknown default owner is refused at once naming the closest user; a file not in the named encoding fails with nothing written",
          arguments: TestEngine.available)
    func refusals(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let csv = Array("姓名,手机\n长安,13700137010\n".data(using: Self.gb18030) ?? Data())
            let unknown = try await api.send("/v1/imports?defaultOwner=%E7%8E%8B%20%E8%8A%B3", token: daemon.adminToken, method: .POST,
                                             bytes: csv, contentType: "text/csv")
            #expect(unknown.status == 422 && unknown.body.contains("王芳"), "\(unknown.body)")
            let json = try await api.send("/v1/imports", token: daemon.adminToken, method: .POST, body: #"{"rows": []}"#)
            #expect(json.status == 415)
            let empty = try await api.send("/v1/imports", token: daemon.adminToken, method: .POST, bytes: [], contentType: "text/csv")
            #expect(empty.status == 400)

            let named = try await api.send("/v1/imports?encoding=utf8&defaultOwner=%E7%8E%8B%E8%8A%B3", token: daemon.adminToken, method: .POST,
                                           bytes: csv, contentType: "text/csv")
            let id = try #require(try named.json()["id"] as? Int)
            let record = try await Self.finished(api, id, token: daemon.adminToken, daemon: daemon)
            #expect(record["status"] as? String == "failed")
            let error = try #require(record["error"] as? String)
            #expect(error.contains("not readable as UTF-8") && error.contains("the upload") && !error.contains("/tmp"), "\(error)")
            #expect(try await daemon.store.findCustomers("13700137010").isEmpty)
            #expect(try await api.send("/v1/imports/\(id)/rejects", token: daemon.adminToken).body.isEmpty)
        }
    }
}
