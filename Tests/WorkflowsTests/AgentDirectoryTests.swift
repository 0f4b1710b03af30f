import CRM
import PBXMonitor
import Vocabulary
import Telephony
@testable import Workflows
import Testing

@Suite("Agent directory")
struct AgentDirectoryTests {
    let directory = AgentDirectory([
        AgentIdentity(userID: 1, name: "王芳", role: .agent, extension: "1001", devicePatterns: [], teamID: nil),
        AgentIdentity(userID: 2, name: "Zhao", role: .agent, extension: "1002", devicePatterns: ["PJSIP/zhao-*", "SIP/70??-*"], teamID: nil),
    ])

    @Test("an extension is found in every device notation the issue lists",
          arguments: ["PJSIP/1001-0000001a", "SIP/1001-00000003", "Local/1001@agents/n", "Local/1001@agents-00000002;1", "PJSIP/1001"])
    func extensionNotations(_ device: String) {
        let ref = AgentRef(extension: DeviceName.extension(of: device), memberName: nil, device: device)
        #expect(directory.agent(for: ref)?.userID == 1)
    }

    @Test("configured device patterns and queue member names find the user")
    func patternsAndMemberNames() {
        #expect(directory.agent(for: AgentRef(extension: nil, memberName: nil, device: "PJSIP/zhao-00000001"))?.userID == 2)
        #expect(directory.agent(for: AgentRef(extension: nil, memberName: nil, device: "SIP/7012-0000000a"))?.userID == 2)
        #expect(directory.agent(for: AgentRef(extension: nil, memberName: "Agent1001", device: "PJSIP/softphone-1"))?.userID == 1)
        #expect(directory.agent(for: AgentRef(extension: nil, memberName: "zhao", device: "IAX2/x"))?.userID == 2)
        #expect(directory.agent(for: AgentRef(extension: "1999", memberName: "Agent1999", device: "PJSIP/1999-1")) == nil)
        #expect(directory.agent(for: AgentRef(extension: nil, memberName: nil, device: "SIP/701-0000000a")) == nil)
    }

    @Test("glob patterns match whole names only", arguments: [
        ("PJSIP/zhao-*", "PJSIP/zhao-1", true), ("PJSIP/zhao-*", "PJSIP/zhaox-1", false), ("SIP/70??", "SIP/7012", true),
        ("SIP/70??", "SIP/70123", false), ("*", "", true), ("a*b*c", "aXXbYc", true), ("a*b*c", "aXXbY", false),
    ])
    func glob(_ pattern: String, _ text: String, _ expected: Bool) {
        #expect(AgentDirectory.glob(pattern, matches: text) == expected)
    }
}
