import CRM
import Foundation
import PBXSimulator
import Testing
import TestSupport
import Workflows

/// The pages in a real browser: headless Chromium (Debian's `chromium` and `chromium-driver`) driven
/// by `Tests/Browser/pages.py` (selenium), against the daemon and the simulated PBX. The script says
/// when it is ready for each call (a file per step); this test places the calls. Screenshots are
/// kept in a folder this test prints.
@Suite("Pages in headless Chromium", .serialized, .timeLimit(.minutes(5)))
struct PagesBrowserTests {
    static var simulator: SimulatorConfiguration {
        var configuration = SimulatorConfiguration.callCenter(agents: 1)
        configuration.defaultAgent = .answers(after: 2, talk: 3)
        configuration.timeScale = 1
        return configuration
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Browser/pages.py")

    @Test("an agent signs in, a call pops and is logged from the keyboard; the wallboard follows a wait, a pause and an answer; another agent sees nothing")
    func pages() async throws {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) is missing: apt-get install chromium chromium-driver (scripts/test does)")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-pages-\(UUID().uuidString)")
        let recordings = work.appendingPathComponent("recordings")
        try FileManager.default.createDirectory(at: recordings, withIntermediateDirectories: true)
        try await DaemonHarness.run(.sqlite, simulator: Self.simulator, callLog: CallLogConfiguration(recordingDirectory: recordings.path)) { daemon in
            let password = "browser-pass-1"
            for user in [daemon.alice.user, daemon.bob.user, daemon.supervisor.user] {
                try await daemon.store.setPassword(userID: user.id, to: password, actor: nil)
            }
            try await daemon.store.addTask(customerID: daemon.knownCustomer, kind: .followUp, ownerID: daemon.alice.user.id,
                                           dueAt: Date().addingTimeInterval(-3600), note: "回访试驾")
            // A second customer's call task, which she asks to cancel and her supervisor refuses.
            let second = try await daemon.store.createCustomer(NewCustomer(name: "韩梅梅", ownerID: daemon.alice.user.id,
                phones: [("13900139000", try #require(daemon.store.normalizer.normalize("13900139000").phoneNumber))], grade: .b))
            try await daemon.store.addTask(customerID: second, kind: .followUp, ownerID: daemon.alice.user.id,
                                           dueAt: Date().addingTimeInterval(-1800), note: "确认预算")
            // A customer waiting in the hotline team's pool (公海), which the other agent claims from his console.
            _ = try await daemon.store.createCustomer(NewCustomer(name: "钱多多", ownerID: nil, poolTeamID: daemon.bob.user.teamID,
                phones: [("13700137055", try #require(daemon.store.normalizer.normalize("13700137055").phoneNumber))], grade: .a))
            let steps = work.appendingPathComponent("steps"), shots = work.appendingPathComponent("screenshots")
            for folder in [steps, shots] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
            print("page screenshots: \(shots.path)")
            let formatter = DateFormatter()
            formatter.dateFormat = "yyyy-MM-dd"
            formatter.timeZone = .current
            let log = work.appendingPathComponent("pages.log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Self.script.path]
            process.environment = ProcessInfo.processInfo.environment.merging([
                "BASE": "http://127.0.0.1:\(daemon.httpPort)", "STEPS_DIR": steps.path, "SHOTS_DIR": shots.path,
                "AGENT": daemon.alice.user.name, "OTHER_AGENT": daemon.bob.user.name, "SUPERVISOR": daemon.supervisor.user.name,
                "PASSWORD": password, "CUSTOMER": "李雷", "SECOND_CUSTOMER": "韩梅梅", "POOL_CUSTOMER": "钱多多", "CUSTOMER_ID": "\(daemon.knownCustomer)",
                "FOLLOW_UP": formatter.string(from: Date().addingTimeInterval(7 * 86_400)),
            ]) { _, new in new }
            let output = try FileHandle(forWritingTo: log)
            process.standardOutput = output
            process.standardError = output
            try process.run()
            func reached(_ step: String) async throws {
                try await daemon.waitUntil("the pages reach \(step)", timeout: .seconds(90)) {
                    FileManager.default.fileExists(atPath: steps.appendingPathComponent(step).path) || !process.isRunning
                }
            }
            let api = APIClient(port: daemon.httpPort)
            // The wallboard: alice pauses for lunch, a caller waits, she comes back and answers.
            try await reached("wallboard-ready")
            _ = try await api.send("/v1/agents/\(daemon.alice.user.id)/pause", token: daemon.alice.token, method: .POST,
                                   body: #"{"paused": true, "reason": "lunch"}"#)
            daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "LI LEI", patience: 90)
            try await reached("wallboard-seen-waiting")
            _ = try await api.send("/v1/agents/\(daemon.alice.user.id)/pause", token: daemon.alice.token, method: .POST, body: #"{"paused": false}"#)
            // The wallboard's call was recorded: its file is put where the PBX would have written it (the console's stays missing).
            try await daemon.waitUntil("the first call's recording on record", timeout: .seconds(30)) {
                try await daemon.calls().first?.recording != nil
            }
            let recorded = try #require(try await daemon.calls().first?.recording)
            try Self.silentWAV(seconds: 2).write(to: URL(fileURLWithPath: recorded))
            FileManager.default.createFile(atPath: steps.appendingPathComponent("recording-written").path, contents: nil)
            // The console: a call pops, is answered, ends, and is logged from the keyboard.
            try await reached("console-ready")
            daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "LI LEI", patience: 60)
            try await daemon.waitUntil("the pages finish", timeout: .seconds(120)) { !process.isRunning }
            try output.close()
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0 && text.contains("PAGES OK"), "the pages failed:\n\(text.suffix(4000))\nscreenshots: \(shots.path)")
            for shot in ["wallboard-waiting", "wallboard-answered", "wallboard-recording", "console-ringing", "console-saved", "console-recording-missing", "wallboard-approvals", "console-notice", "reports",
                         "console-other-agent"] {
                #expect(FileManager.default.fileExists(atPath: shots.appendingPathComponent("\(shot).png").path), "no screenshot \(shot)")
            }
            // What the page wrote is in the log: the outcome with its grade, the task it cleared, the next follow-up.
            let tasks = try await daemon.store.tasks(TaskFilter(customerID: daemon.knownCustomer, limit: 50), visibleTo: daemon.admin)
            #expect(tasks.contains { $0.note == "回访试驾" && $0.status == .done })
            #expect(tasks.contains { $0.status == .open && $0.kind == .followUp && $0.dueAt > Date().addingTimeInterval(6 * 86_400) })
        }
    }

    /// A WAV file of silence (8 kHz, 16-bit, mono), as MixMonitor writes them.
    static func silentWAV(seconds: Int) -> Data {
        let samples = 8000 * seconds, bytes = samples * 2
        var data = Data("RIFF".utf8)
        func le<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        le(UInt32(36 + bytes))
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        le(UInt32(16)); le(UInt16(1)); le(UInt16(1)); le(UInt32(8000)); le(UInt32(16000)); le(UInt16(2)); le(UInt16(16))
        data.append(contentsOf: Array("data".utf8))
        le(UInt32(bytes))
        data.append(Data(count: bytes))
        return data
    }
}
