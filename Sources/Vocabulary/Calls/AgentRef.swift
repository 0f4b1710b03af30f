/// An agent as the PBX shows them: the queue member name and the extension of their device.
public struct AgentRef: Sendable, Hashable, Codable {
    /// `1001`, read from `Local/1001@agents/n`, `PJSIP/1001-…`, ….
    public let `extension`: String?
    /// Queue `MemberName` (`Agent1001`), when the call came through a queue.
    public let memberName: String?
    /// The member interface or device channel the PBX rang.
    public let device: String

    public init(extension: String?, memberName: String?, device: String) {
        self.extension = `extension`
        self.memberName = memberName
        self.device = device
    }
}
