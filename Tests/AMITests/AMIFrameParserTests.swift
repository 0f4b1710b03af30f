import AMI
import Foundation
import NIOCore
import Testing
import TestSupport

@Suite("AMI decoding of real Asterisk captures")
struct AMIFrameParserTests {
    @Test("every capture decodes without a protocol error, banner first", arguments: Fixtures.serverCaptures)
    func decodesCleanly(_ capture: String) {
        let frames = Fixtures.decode(Fixtures.bytes(capture))
        #expect(frames.first == .banner("Asterisk Call Manager/13.0.0"))
        let errors = frames.filter { if case .protocolError = $0 { true } else { false } }
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test("set B: event and response counts equal those recorded in index.json",
          arguments: CaptureIndexEntry.all.filter { $0.protocolName == "AMI" })
    func countsMatchIndex(_ entry: CaptureIndexEntry) {
        let messages = Fixtures.messages(Fixtures.decode(Fixtures.bytes("set-b/\(entry.scenario).server.txt")))
        var events: [String: Int] = [:], responses: [String: Int] = [:]
        for message in messages {
            switch message.kind {
            case .event(let name): events[name, default: 0] += 1
            case .response(let status): responses[status, default: 0] += 1
            case .other: Issue.record("unclassified message \(message)")
            }
        }
        #expect(events == (entry.events ?? [:]))
        #expect(responses == (entry.responses ?? [:]))
    }

    @Test("set A: as many messages as blank-line separated blocks", arguments: Fixtures.serverCaptures.filter { $0.hasPrefix("set-a") })
    func countsMatchBlocks(_ capture: String) {
        let text = String(decoding: Fixtures.bytes(capture), as: UTF8.self)
        let body = text[text.range(of: "\r\n")!.upperBound...]
        let blocks = body.components(separatedBy: "\r\n\r\n").filter { !$0.isEmpty }
        #expect(Fixtures.messages(Fixtures.decode(Fixtures.bytes(capture))).count == blocks.count)
    }

    @Test("split at every byte position, the small captures decode to the same frames, in one buffer and as two socket reads",
          arguments: Fixtures.serverCaptures.filter { Fixtures.bytes($0).count < 2_500 })
    func everySplit(_ capture: String) {
        let bytes = Fixtures.bytes(capture)
        let whole = Fixtures.decode(bytes)
        for split in 1..<bytes.count {
            #expect(Fixtures.decode(bytes, chunks: [split]) == whole, "split at \(split)")
            #expect(AMIReadDecoderTests.decode(bytes, reads: [split]) == whole, "two reads split at \(split)")
        }
    }

    @Test("random chunkings of every capture decode to the same frames, in one buffer and as socket reads of 1 to 5,000 bytes",
          arguments: Fixtures.serverCaptures)
    func randomChunks(_ capture: String) {
        let bytes = Fixtures.bytes(capture)
        let whole = Fixtures.decode(bytes)
        var rng = SeededGenerator(seed: UInt64(bytes.count))
        for _ in 0..<20 {
            let chunks = (0..<bytes.count / 8 + 1).map { _ in Int.random(in: 1...200, using: &rng) }
            #expect(Fixtures.decode(bytes, chunks: chunks) == whole)
            #expect(AMIReadDecoderTests.decode(bytes, reads: chunks) == whole)
            #expect(AMIReadDecoderTests.decode(bytes, reads: chunks.map { $0 * 25 }) == whole)
        }
    }

    @Test("key fields: MD5 challenge, Command output, list items, ActionIDs of errors")
    func keyFields() throws {
        let md5 = Fixtures.messages(Fixtures.decode(Fixtures.bytes("set-a/ami-01-login-md5.server.txt")))
        #expect(md5.first?["challenge"] == "66555636")
        #expect(md5.first?.actionID == "c1")

        let status = Fixtures.messages(Fixtures.decode(Fixtures.bytes("set-a/ami-05-status-actions.server.txt")))
        let command = try #require(status.first { $0.actionID == "cmd" })
        #expect(command.values("Output").first?.hasPrefix("Asterisk GIT-master-f0c1c1a7b7") == true)
        let settings = try #require(status.first { $0.actionID == "settings" })
        #expect(settings["SystemName"] == "")
        #expect(settings["AsteriskVersion"] == "GIT-master-f0c1c1a7b7")
        let members = status.filter { $0.eventName == "QueueMember" && $0.actionID == "qs-idle" }
        #expect(members.map { $0["Name"] } == ["Agent1001", "Agent1002", "Agent1002"])

        let errors = Fixtures.messages(Fixtures.decode(Fixtures.bytes("set-a/ami-08-errors.server.txt")))
        #expect(errors.map(\.actionID) == ["before-login", "before-login-2", "l", "unknown", "missing", "badctx", "nochan", nil, "after-garbage"])
        #expect(errors[7]["Message"] == "Missing action in request")

        let answered = Fixtures.messages(Fixtures.decode(Fixtures.bytes("set-a/ami-02-inbound-answered.server.txt")))
        let connect = try #require(answered.first { $0.eventName == "AgentConnect" })
        #expect(connect["Queue"] == "hotline")
        #expect(connect["MemberName"] == "Agent1001")
        #expect(connect.timestamp != nil)
        #expect(answered.filter { $0.eventName == "AgentCalled" }.count == 2)
    }

    @Test("headers compare case-insensitively, keep their order and may repeat; a value may contain ': '")
    func headerSemantics() throws {
        let bytes = Array("Response: Success\r\nactionid: x1\r\nOutput: a: b\r\nOutput: c\r\nVariable: A=1\r\nVariable: B=2\r\n\r\n".utf8)
        let message = try #require(Fixtures.messages(Fixtures.decode(bytes, expectBanner: false)).first)
        #expect(message.actionID == "x1")
        #expect(message["OUTPUT"] == "a: b")
        #expect(message.values("output") == ["a: b", "c"])
        #expect(message.values("Variable") == ["A=1", "B=2"])
        #expect(message.headers.map(\.name) == ["Response", "actionid", "Output", "Output", "Variable", "Variable"])
    }

    @Test("a Timestamp is read to the microsecond; one too long for integers, or not a number, falls back to Double or nil")
    func timestamps() throws {
        func stamp(_ text: String) -> Date? { AMIMessage(["Event": "Newstate", "Timestamp": text]).timestamp }
        let micro = try #require(stamp("1795374807.079415"))
        #expect(abs(micro.timeIntervalSince1970 - 1795374807.079415) < 1e-6)
        #expect(stamp("1795374807")?.timeIntervalSince1970 == 1795374807)
        let long = try #require(stamp("1795374807.0794151234567890"))
        #expect(abs(long.timeIntervalSince1970 - 1795374807.079415) < 1e-6)
        #expect(stamp("1e9")?.timeIntervalSince1970 == 1e9)
        #expect(stamp("soon") == nil)
        #expect(stamp("") == nil)
        #expect(AMIMessage(["Event": "Newstate"]).timestamp == nil)
    }

    @Test("bare \\n line ends are accepted")
    func bareNewlines() {
        let frames = Fixtures.decode(Array("Asterisk Call Manager/2.10.4\nResponse: Success\nActionID: 1\n\nEvent: Hangup\nCause: 16\n\n".utf8))
        #expect(frames.count == 3)
        #expect(Fixtures.messages(frames).last?["Cause"] == "16")
    }

    @Test("a garbage line is reported and decoding resumes at the next message")
    func garbageResyncs() {
        let frames = Fixtures.decode(Array("Response: Success\r\nthis is not a header line\r\nActionID: 1\r\n\r\nEvent: Hangup\r\nCause: 16\r\n\r\n".utf8), expectBanner: false)
        #expect(frames.count == 2)
        #expect(frames.first == .protocolError(.notAHeader(line: "this is not a header line")))
        #expect(Fixtures.messages(frames).first?.eventName == "Hangup")
    }

    @Test("old-style Command output (Response: Follows … --END COMMAND--) becomes Output values")
    func followsOutput() throws {
        let bytes = Array("Response: Follows\r\nPrivilege: Command\r\nActionID: c\r\nAsterisk 13.38.3 built by root\r\nsecond line\r\n--END COMMAND--\r\n\r\n".utf8)
        let message = try #require(Fixtures.messages(Fixtures.decode(bytes, expectBanner: false)).first)
        #expect(message.values("Output") == ["Asterisk 13.38.3 built by root", "second line"])
    }

    @Test("an oversized message is rejected and the next one still decodes")
    func oversized() {
        let big = "Event: Big\r\n" + String(repeating: "X-Filler: 0123456789abcdef\r\n", count: 500) + "\r\n"
        let frames = Fixtures.decode(Array((big + "Event: Small\r\n\r\n").utf8), chunks: Array(repeating: 97, count: 200),
                                     expectBanner: false, maxMessageSize: 4_096)
        #expect(frames.first == .protocolError(.messageTooLarge(limit: 4_096)))
        #expect(Fixtures.messages(frames).map(\.eventName) == ["Small"])
    }

    @Test("Asterisk 13's Command answer ends at --END COMMAND--, not at an empty line in its output, split at every byte")
    func followsOutputWithEmptyLines() throws {
        let answer = "Response: Follows\r\nPrivilege: Command\r\nActionID: c2\r\n"
            + "Name/username             Host            Dyn Forcerport Comedia    ACL Port     Status      Description\n"
            + "\n"
            + "1001/1001                 10.0.0.21       D   Auto (No)  No             5060     OK (12 ms)\n"
            + "Uptime: 3 days, 2:14:07\n"
            + "\n"
            + "--END COMMAND--\r\n\r\n"
        let bytes = Array((answer + "Event: Hangup\r\nUniqueid: 1.1\r\n\r\n").utf8)
        let expected = ["Name/username             Host            Dyn Forcerport Comedia    ACL Port     Status      Description", "",
                        "1001/1001                 10.0.0.21       D   Auto (No)  No             5060     OK (12 ms)", "Uptime: 3 days, 2:14:07", ""]
        for split in 0...bytes.count {
            let frames = Fixtures.decode(bytes, chunks: [split, bytes.count], expectBanner: false)
            let messages = Fixtures.messages(frames)
            #expect(messages.count == 2 && frames.count == 2, "split at \(split): \(frames)")
            #expect(messages.first?["ActionID"] == "c2" && messages.first?.values("Output") == expected, "split at \(split)")
            #expect(messages.last?.eventName == "Hangup", "split at \(split)")
        }
    }
}
