import Foundation
import Testing
import TestSupport

/// schemathesis (PyPI) against the served document: it generates requests from every operation's
/// schema, valid and not, and checks that nothing answers 5xx and every answer fits the document.
@Suite("HTTP API: fuzzed from its own document", .serialized, .timeLimit(.minutes(5)))
struct APIFuzzTests {
    /// How to run schemathesis: its `st` on the PATH, else `python3 -m schemathesis.cli` (where pip put the
    /// package but not the script on the PATH); `scripts/test` installs it, and CI must have it.
    static var schemathesis: [String] {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        if let st = paths.map({ $0 + "/st" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return [st] }
        return ["/usr/bin/env", "python3", "-m", "schemathesis.cli"]
    }

    @Test("no 5xx, and every answer fits the document, on both databases", arguments: TestEngine.available)
    func fuzz(_ engine: TestEngine) async throws {
        let command = Self.schemathesis
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            _ = try await APITests.oneAnsweredCall(daemon)
            try await daemon.store.addTask(customerID: daemon.knownCustomer, kind: .followUp, ownerID: daemon.alice.user.id,
                                           dueAt: Date(), note: "跟进")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: command[0])
            process.arguments = Array(command.dropFirst()) + [
                "run", "http://127.0.0.1:\(daemon.httpPort)/openapi.yaml",
                "--header", "Authorization: Bearer \(daemon.alice.token)",
                "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                "--max-examples", "20", "--seed", "20261201", "--no-color", "--workers", "1", "--request-timeout", "30",
            ]
            var environment = ProcessInfo.processInfo.environment
            environment["SCHEMATHESIS_HOOKS"] = nil
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("No module named"), "schemathesis is not installed: pip install schemathesis (scripts/test does)")
            #expect(process.terminationStatus == 0, "schemathesis found problems:\n\(text.suffix(6000))")
            #expect(text.contains("passed") || text.contains("No issues found"), "\(text.suffix(2000))")
        }
    }
}
