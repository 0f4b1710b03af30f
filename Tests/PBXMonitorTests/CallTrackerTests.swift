import AMI
import PBXMonitor
import Vocabulary
import Foundation
import NIOCore
import Testing

/// Feeds a real capture (from the AMI tests' fixtures) through a tracker.
func track(_ capture: String) -> (outputs: [CallTracker.Output], tracker: CallTracker) {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("AMITests/Fixtures")
    var buffer = ByteBuffer(bytes: Array(try! Data(contentsOf: root.appendingPathComponent(capture))))
    var parser = AMIFrameParser()
    var tracker = CallTracker(pbx: "main")
    var outputs: [CallTracker.Output] = []
    while let frame = parser.next(&buffer) {
        if case .message(let message) = frame, message.eventName != nil {
            outputs += tracker.handle(message, receivedAt: Date(timeIntervalSince1970: 0))
        }
    }
    return (outputs, tracker)
}

func finished(_ outputs: [CallTracker.Output]) -> [CallRecord] {
    outputs.compactMap { if case .finished(let record) = $0 { record } else { nil } }
}

@Suite("Call tracking on real Asterisk captures")
struct CallTrackerTests {
    @Test("a queue call rung on two agents and answered by one is one answered record")
    func inboundAnswered() throws {
        let (outputs, tracker) = track("set-a/ami-02-inbound-answered.server.txt")
        let records = finished(outputs)
        #expect(records.count == 1)
        let call = try #require(records.first)
        #expect(call.direction == .inbound)
        #expect(call.externalNumber == "13800138000" && call.externalName == "Zhang San")
        #expect(call.queue == "hotline" && call.queuePosition == 1)
        #expect(call.agentsRung.map(\.memberName) == ["Agent1002", "Agent1001"])
        #expect(call.agentsRung.map(\.extension) == ["1002", "1001"])
        #expect(call.answeredBy?.extension == "1001")
        #expect(call.result == .answered)
        #expect(call.holdTime == 0 && call.talkTime == 4)
        let ring = try #require(call.ringAt), answer = try #require(call.answerAt), end = try #require(call.endAt)
        #expect(ring <= answer && answer < end)
        #expect(ring.timeIntervalSince1970 > 1_795_374_800)
        #expect(call.legs.count == 6)
        #expect(tracker.liveCalls.isEmpty)
        let pops = outputs.compactMap { if case .agentRinging(let agent, _) = $0 { agent.extension } else { nil } }
        #expect(pops == ["1002", "1001"])
        let ringIndex = outputs.firstIndex { if case .agentRinging = $0 { true } else { false } } ?? 99
        let answerIndex = outputs.firstIndex { if case .answered = $0 { true } else { false } } ?? -1
        #expect(ringIndex < answerIndex)
    }

    @Test("a caller ID set after the first leg is announced once, before any agent rings, so the lookup can start early")
    func callerIdentifiedBeforeRinging() throws {
        let (outputs, _) = track("set-a/ami-02-inbound-answered.server.txt")
        let identified = outputs.enumerated().compactMap { index, output -> (Int, CallRecord)? in
            if case .identified(let record) = output { (index, record) } else { nil }
        }
        #expect(identified.count == 1)
        let (index, record) = try #require(identified.first)
        #expect(record.externalNumber == "13800138000" && record.externalName == "Zhang San")
        let firstRing = try #require(outputs.firstIndex { if case .agentRinging = $0 { true } else { false } })
        #expect(index < firstRing)
        if case .started(let started) = outputs.first { #expect(started.externalNumber == nil) } else { Issue.record("the call did not start first") }
    }

    @Test("a caller who gives up in the queue is one abandoned record with the hold time")
    func abandoned() throws {
        let call = try #require(finished(track("set-a/ami-03-inbound-abandoned.server.txt").outputs).first)
        #expect(call.result == .abandoned)
        #expect(call.externalNumber == "02188886666")
        #expect(call.holdTime == 3)
        #expect(call.answeredBy == nil && call.agentsRung.isEmpty)
    }

    @Test("originate results become answered, busy, network failure and no answer; the dialer's tag is kept")
    func originateResults() throws {
        let records = finished(track("set-a/ami-04-originate-results.server.txt").outputs)
        let byNumber = Dictionary(uniqueKeysWithValues: records.map { ($0.externalNumber ?? "?", $0) })
        #expect(byNumber["13900139000"]?.result == .answered)
        #expect(byNumber["555"]?.result == .busy)
        #expect(byNumber["556"]?.result == .networkFailure)
        #expect(byNumber["557"]?.result == .noAnswer)
        #expect(records.allSatisfy { $0.direction == .outbound })
        #expect(records.count == 4)
        #expect(byNumber["13900139000"]?.taskTag == "task-1")
        #expect(byNumber["555"]?.taskTag == nil)
    }

    @Test("a real SIP call through the queue is answered by the PJSIP device's extension")
    func sipCall() throws {
        let records = finished(track("set-b/ami-10-sip-inbound-queue-answered.server.txt").outputs)
        let answered = try #require(records.first { $0.result == .answered })
        #expect(answered.answeredBy?.extension == "2001")
        #expect(answered.direction == .inbound || answered.direction == .internal)
    }

    @Test("after a reconnect, calls whose channels are gone are closed and flagged; live ones stay")
    func resync() throws {
        var tracker = CallTracker(pbx: "main")
        let start = Date(timeIntervalSince1970: 1_000)
        for (uniqueID, linkedID) in [("1.1", "1.1"), ("1.2", "1.1"), ("2.1", "2.1")] {
            _ = tracker.handle(AMIMessage(["Event": "Newchannel", "Channel": "Local/100@inbound-0;\(uniqueID)", "ChannelState": "4",
                                           "CallerIDNum": "13800138000", "Context": "inbound", "Exten": "100",
                                           "Uniqueid": uniqueID, "Linkedid": linkedID]), receivedAt: start)
        }
        let closed = finished(tracker.reconcile(liveUniqueIDs: ["2.1"]))
        #expect(closed.map(\.linkedID) == ["1.1"])
        #expect(closed.first?.closedByResync == true && closed.first?.endAt == start)
        #expect(tracker.liveCalls.map(\.linkedID) == ["2.1"])
    }

    @Test("a caller who reaches voicemail is logged as voicemail, announced by CallDesk's UserEvent or seen in Newexten",
          arguments: [["Event": "UserEvent", "UserEvent": "CallDesk", "Result": "voicemail"],
                      ["Event": "Newexten", "Application": "VoiceMail", "AppData": "hotline@calldesk,u"]])
    func voicemail(_ signal: [String: String]) throws {
        var tracker = CallTracker(pbx: "main")
        let start = Date(timeIntervalSince1970: 1_000)
        let leg: [(String, String)] = [("Channel", "PJSIP/trunk-00000001"), ("ChannelState", "6"), ("CallerIDNum", "13800138000"),
                                       ("Context", "inbound"), ("Exten", "100"), ("Uniqueid", "1.1"), ("Linkedid", "1.1")]
        func event(_ fields: [(String, String)]) -> AMIMessage { AMIMessage(headers: fields + leg) }
        _ = tracker.handle(event([("Event", "Newchannel")]), receivedAt: start)
        _ = tracker.handle(event([("Event", "QueueCallerJoin"), ("Queue", "hotline"), ("Position", "1")]), receivedAt: start)
        _ = tracker.handle(event([("Event", "QueueCallerLeave"), ("Queue", "hotline")]), receivedAt: start)
        _ = tracker.handle(event(signal.sorted { $0.key == "Event" && $1.key != "Event" }.map { ($0.key, $0.value) }), receivedAt: start)
        let record = try #require(finished(tracker.handle(event([("Event", "Hangup"), ("Cause", "16")]),
                                                          receivedAt: start.addingTimeInterval(40))).first)
        #expect(record.result == CallResult.voicemail && record.queue == "hotline" && record.answeredBy == nil)
    }

    @Test("an event is known by its name wherever its Event: header stands, whatever the header's case; a message that is no event changes nothing")
    func eventNameAnywhere() throws {
        var tracker = CallTracker(pbx: "main")
        let start = Date(timeIntervalSince1970: 1_000)
        let leg: [(String, String)] = [("Channel", "PJSIP/trunk-00000001"), ("ChannelState", "6"), ("CallerIDNum", "13800138000"),
                                       ("Context", "inbound"), ("Exten", "100"), ("Uniqueid", "1.1"), ("Linkedid", "1.1")]
        let started = tracker.handle(AMIMessage(headers: [("Privilege", "call,all")] + leg + [("Event", "Newchannel")]), receivedAt: start)
        #expect(started.count == 1 && tracker.tracks("1.1"))
        #expect(tracker.handle(AMIMessage(headers: [("Response", "Success")] + leg), receivedAt: start).isEmpty)
        let record = try #require(finished(tracker.handle(AMIMessage(headers: leg + [("Cause", "16"), ("EVENT", "Hangup")]),
                                                          receivedAt: start.addingTimeInterval(6))).first)
        #expect(record.linkedID == "1.1" && record.result == CallResult.noAnswer)
    }

    @Test("a call transferred from one agent to another stays one record: it pops on the second agent, both are its agents, talk adds up")
    func transfer() throws {
        var tracker = CallTracker(pbx: "main")
        var clock = Date(timeIntervalSince1970: 2_000)
        var outputs: [CallTracker.Output] = []
        func feed(_ event: String, _ fields: [(String, String)]) {
            clock.addTimeInterval(1)
            outputs += tracker.handle(AMIMessage(headers: [("Event", event)] + fields), receivedAt: clock)
        }
        func channel(_ name: String, _ id: String, context: String, exten: String, state: String = "6", prefix: String = "") -> [(String, String)] {
            [(prefix + "Channel", name), (prefix + "ChannelState", state), (prefix + "CallerIDNum", "13800138000"), (prefix + "Context", context),
             (prefix + "Exten", exten), (prefix + "Uniqueid", id), (prefix + "Linkedid", "9.1")]
        }
        let caller = channel("PJSIP/trunk-00000009", "9.1", context: "inbound", exten: "100")
        let first = channel("Local/1001@agents-00000001;1", "9.2", context: "agents", exten: "1001", prefix: "Dest")
        let second = channel("PJSIP/1002-0000000a", "9.4", context: "agents", exten: "1002", state: "5", prefix: "Dest")
        feed("Newchannel", caller)
        feed("QueueCallerJoin", caller + [("Queue", "hotline"), ("Position", "1")])
        feed("Newchannel", first.map { (String($0.0.dropFirst(4)), $0.1) })
        feed("AgentCalled", caller + first + [("Queue", "hotline"), ("Interface", "Local/1001@agents/n"), ("MemberName", "Agent1001")])
        feed("AgentConnect", caller + first + [("Queue", "hotline"), ("Interface", "Local/1001@agents/n"), ("MemberName", "Agent1001"),
                                                ("HoldTime", "3")])
        feed("QueueCallerLeave", caller + [("Queue", "hotline")])
        // Agent 1001 blind-transfers the caller to 1002's desk phone.
        feed("BlindTransfer", caller + [("Extension", "1002"), ("Context", "agents")])
        feed("AgentComplete", caller + first + [("Queue", "hotline"), ("Interface", "Local/1001@agents/n"), ("MemberName", "Agent1001"),
                                                 ("HoldTime", "3"), ("TalkTime", "4"), ("Reason", "transfer")])
        feed("Newchannel", second.map { (String($0.0.dropFirst(4)), $0.1) })
        feed("DialBegin", caller + second)
        feed("Hangup", first.map { (String($0.0.dropFirst(4)), $0.1) } + [("Cause", "16")])
        feed("DialEnd", caller + second + [("DialStatus", "ANSWER")])
        #expect(finished(outputs).isEmpty)
        feed("Hangup", second.map { (String($0.0.dropFirst(4)), $0.1) } + [("Cause", "16")])
        feed("Hangup", caller + [("Cause", "16")])
        let records = finished(outputs)
        #expect(records.count == 1)
        let call = try #require(records.first)
        #expect(call.result == .answered && call.answeredBy?.extension == "1001")
        #expect(call.agentsRung.map(\.extension) == ["1001", "1002"])
        #expect(call.connectedAgents.map(\.extension) == ["1001", "1002"])
        // 4 s with 1001 (AgentComplete), then 2 s with 1002 from the transfer's answer to the last hangup.
        #expect(call.talkTime == 6 && call.holdTime == 3)
        #expect(Set(call.legs) == ["9.1", "9.2", "9.4"])
        let pops = outputs.compactMap { if case .agentRinging(let agent, _) = $0 { agent.extension } else { nil } }
        #expect(pops == ["1001", "1002"])
    }

    @Test("an agent rung under two names (the member interface by AgentCalled, the channel by DialBegin) is rung once")
    func agentRungOnce() throws {
        var tracker = CallTracker(pbx: "main")
        var clock = Date(timeIntervalSince1970: 2_500)
        var outputs: [CallTracker.Output] = []
        func feed(_ event: String, _ fields: [(String, String)]) {
            clock.addTimeInterval(1)
            outputs += tracker.handle(AMIMessage(headers: [("Event", event)] + fields), receivedAt: clock)
        }
        func channel(_ name: String, _ id: String, context: String, exten: String, prefix: String = "") -> [(String, String)] {
            [(prefix + "Channel", name), (prefix + "ChannelState", "5"), (prefix + "CallerIDNum", "13800138000"), (prefix + "Context", context),
             (prefix + "Exten", exten), (prefix + "Uniqueid", id), (prefix + "Linkedid", "8.1")]
        }
        // Taken up mid-ring (its QueueCallerJoin came before this link): the queue is not known yet, so DialBegin counts too.
        let caller = channel("PJSIP/trunk-00000008", "8.1", context: "inbound", exten: "100")
        let leg = channel("Local/1001@agents-00000001;1", "8.2", context: "agents", exten: "1001", prefix: "Dest")
        feed("Newchannel", caller)
        feed("Newchannel", leg.map { (String($0.0.dropFirst(4)), $0.1) })
        feed("AgentCalled", caller + leg + [("Queue", "hotline"), ("Interface", "Local/1001@agents/n"), ("MemberName", "Agent1001")])
        feed("DialBegin", caller + leg)
        feed("Hangup", leg.map { (String($0.0.dropFirst(4)), $0.1) } + [("Cause", "16")])
        feed("Hangup", caller + [("Cause", "16")])
        let call = try #require(finished(outputs).first)
        #expect(call.agentsRung.map(\.extension) == ["1001"])
    }

    @Test("a call answered while the AMI link was down is found answered by the resync's channel list, and ends answered")
    func answeredDuringOutage() throws {
        var tracker = CallTracker(pbx: "main")
        var clock = Date(timeIntervalSince1970: 3_000)
        var outputs: [CallTracker.Output] = []
        func feed(_ event: String, _ fields: [(String, String)]) {
            clock.addTimeInterval(1)
            outputs += tracker.handle(AMIMessage(headers: [("Event", event)] + fields), receivedAt: clock)
        }
        func channel(_ name: String, _ id: String, context: String, exten: String, state: String, prefix: String = "") -> [(String, String)] {
            [(prefix + "Channel", name), (prefix + "ChannelState", state), (prefix + "CallerIDNum", "13800138000"), (prefix + "Context", context),
             (prefix + "Exten", exten), (prefix + "Uniqueid", id), (prefix + "Linkedid", "7.1")]
        }
        let caller = channel("PJSIP/trunk-00000007", "7.1", context: "inbound", exten: "100", state: "6")
        let agentOne = channel("Local/1001@agents-00000003;1", "7.2", context: "agents", exten: "1001", state: "5")
        let agentTwo = channel("Local/1001@agents-00000003;2", "7.3", context: "agents", exten: "1001", state: "4")
        feed("Newchannel", caller)
        feed("QueueCallerJoin", caller + [("Queue", "hotline"), ("Position", "1")])
        feed("Newchannel", agentOne)
        feed("Newchannel", agentTwo)
        feed("AgentCalled", caller + agentOne.map { ("Dest" + $0.0, $0.1) } + [("Queue", "hotline"), ("Interface", "Local/1001@agents/n")])
        // The link drops here; the agent answers unseen. After the reconnect, CoreShowChannels lists all three legs up.
        clock.addTimeInterval(2)
        let listing = [caller, agentOne, agentTwo].map { legs in
            AMIMessage(headers: [("Event", "CoreShowChannel")] + legs.map { ($0.0, $0.0 == "ChannelState" ? "6" : $0.1) } + [("BridgeId", "b-7")])
        }
        let adopted = tracker.adopt(channels: listing, at: clock)
        let answered = adopted.compactMap { if case .answered(let agent, _) = $0 { agent } else { nil } }
        #expect(answered.count == 1 && answered.first?.extension == "1001")
        #expect(tracker.reconcile(liveUniqueIDs: ["7.1", "7.2", "7.3"]).isEmpty)
        for leg in [agentTwo, agentOne, caller] { feed("Hangup", leg + [("Cause", "16")]) }
        let call = try #require(finished(outputs).first)
        #expect(call.result == .answered && call.answeredBy?.extension == "1001" && !call.closedByResync)
        #expect(call.answerAt == Date(timeIntervalSince1970: 3_007))
    }

    @Test("Q.850 causes and originate reasons map to business results", arguments: [
        (17, CallResult.busy), (19, .noAnswer), (18, .noAnswer), (21, .rejected), (1, .invalidNumber), (28, .invalidNumber),
        (34, .networkFailure), (38, .networkFailure), (0, .failed), (127, .failed),
    ])
    func causes(_ cause: Int, _ result: CallResult) {
        #expect(CallResult(unansweredCause: cause) == result)
    }
}

@Suite("Call tracking: calls CallDesk dialled")
struct DialTagTests {
    @Test("a call whose account code carries CallDesk's dial tag is outbound to the tagged number, with its task")
    func dialTag() throws {
        var tracker = CallTracker(pbx: "main")
        let outputs = tracker.handle(AMIMessage([
            "Event": "Newchannel", "Channel": "Local/1001@agents-00000001;1", "ChannelState": "0", "CallerIDNum": "1001",
            "AccountCode": "calldesk:42:13800138000", "Context": "agents", "Exten": "1001", "Uniqueid": "9.1", "Linkedid": "9.1",
        ]), receivedAt: Date(timeIntervalSince1970: 0))
        guard case .started(let record) = try #require(outputs.first) else { Issue.record("\(outputs)"); return }
        #expect(record.direction == .outbound && record.externalNumber == "13800138000" && record.taskTag == "42")
        #expect(CallTracker.dialTag("calldesk:-:02166668888")?.task == nil)
        #expect(CallTracker.dialTag("billing-7") == nil && CallTracker.dialTag("calldesk:1:") == nil)
    }
}
