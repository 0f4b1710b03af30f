import CRM
import Foundation
import Testing
import TestSupport
import Workflows

/// Playing a call's recording over the API: through the access policy, from the recordings
/// directory only, with range requests, and a clear answer when the file is gone.
@Suite("Recordings over the API")
struct RecordingPlaybackTests {
    /// A daemon recording into a fresh directory, and one answered, recorded call.
    static func withRecordedCall(_ engine: TestEngine, _ body: @Sendable (DaemonHarness, StoredCall, URL) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-recordings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Talk long enough for MixMonitor's answer to come back during the call on a loaded machine.
        var simulator = APITests.simulator
        simulator.defaultAgent = .answers(after: 0.1, talk: 4)
        simulator.talkTimeVariation = 0
        try await DaemonHarness.run(engine, simulator: simulator, callLog: CallLogConfiguration(recordingDirectory: directory.path)) { daemon in
            daemon.pbx.placeInboundCall(callerNumber: DaemonHarness.knownNumber, callerName: "李雷", patience: 60)
            let call = try #require(try await daemon.endedCalls(1).first)
            let file = URL(fileURLWithPath: try #require(call.recording))
            // The PBX writes the file; here the test does, as it would appear on the shared directory.
            try Data("RIFF....WAVEfmt 0123456789".utf8).write(to: file)
            try await body(daemon, call, file)
        }
    }

    @Test("the owner plays the whole file or a range; another agent gets 404; a range outside the file 416; a missing file says so",
          arguments: TestEngine.available)
    func playback(_ engine: TestEngine) async throws {
        try await Self.withRecordedCall(engine) { daemon, call, file in
            let api = APIClient(port: daemon.httpPort)
            let path = "/v1/calls/\(call.id)/recording"
            let whole = try await api.send(path, token: daemon.alice.token)
            #expect(whole.status == 200 && whole.body == "RIFF....WAVEfmt 0123456789")
            #expect(whole.headers.first(name: "Content-Type") == "audio/wav" && whole.headers.first(name: "Accept-Ranges") == "bytes")
            let part = try await api.send(path, token: daemon.alice.token, headers: [("Range", "bytes=4-7")])
            #expect(part.status == 206 && part.body == "...." && part.headers.first(name: "Content-Range") == "bytes 4-7/26", "\(part.headers)")
            let tail = try await api.send(path, token: daemon.supervisor.token, headers: [("Range", "bytes=-4")])
            #expect(tail.status == 206 && tail.body == "6789")
            let outside = try await api.send(path, token: daemon.alice.token, headers: [("Range", "bytes=100-")])
            #expect(outside.status == 416 && outside.headers.first(name: "Content-Range") == "bytes */26")
            #expect(try await api.send(path, token: daemon.bob.token).status == 404)
            try FileManager.default.removeItem(at: file)
            let gone = try await api.send(path, token: daemon.alice.token)
            #expect(try gone.status == 404 && (gone.json()["error"] as? String) == "recording_missing")
            #expect(try gone.json()["message"] as? String != nil && !gone.body.contains(file.path), "the server's paths stay private")
        }
    }
}
