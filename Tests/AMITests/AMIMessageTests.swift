import AMI
import Testing

@Suite("AMI messages read in place")
struct AMIMessageTests {
    @Test("the event name's bytes are read when Event: comes first, as Asterisk writes it, and not otherwise")
    func eventNameBytes() {
        let event = AMIMessage(["Event": "DeviceStateChange", "Device": "PJSIP/1001"])
        #expect(event.withEventNameBytes { String(decoding: $0, as: UTF8.self) } == "DeviceStateChange")
        #expect(AMIMessage(["Device": "PJSIP/1001", "Event": "DeviceStateChange"]).withEventNameBytes { $0.count } == nil)
        #expect(AMIMessage(["Response": "Success"]).withEventNameBytes { $0.count } == nil)
    }

    @Test("a value is compared in place: exactly, or with ASCII letters in either case; a missing header is no match")
    func valueComparison() {
        let message = AMIMessage(["Event": "Newexten", "application": "VoiceMail", "Variable": "CALLDESK_TASK"])
        #expect(message.value(of: "Application", is: "VoiceMail"))
        #expect(!message.value(of: "Application", is: "voicemail"))
        #expect(message.value(of: "Application", is: "voicemail", ignoringCase: true))
        #expect(!message.value(of: "Application", is: "voicemai", ignoringCase: true))
        #expect(!message.value(of: "Application", is: "voicemail2", ignoringCase: true))
        #expect(message.value(of: "VARIABLE", is: "CALLDESK_TASK"))
        #expect(!message.value(of: "Value", is: ""))
        #expect(AMIMessage(["Event": "VarSet", "Value": ""]).value(of: "Value", is: ""))
    }

    @Test("an event's name is matched whatever its length, and when Event: is not first")
    func eventNamed() {
        #expect(AMIMessage(["Event": "Shutdown", "Restart": "False"]).isEvent(named: "Shutdown"))
        #expect(!AMIMessage(["Event": "Shutdowns"]).isEvent(named: "Shutdown"))
        #expect(!AMIMessage(["Event": "DeviceStateChange"]).isEvent(named: "Shutdown"))
        #expect(AMIMessage(["Privilege": "system,all", "Event": "Shutdown"]).isEvent(named: "Shutdown"))
        #expect(!AMIMessage(["Response": "Success"]).isEvent(named: "Shutdown"))
    }
}
