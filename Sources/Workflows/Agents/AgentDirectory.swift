import CRM
import PBXMonitor
import Vocabulary
import Telephony

/// Finds the CallDesk user behind a device the PBX rang: by extension (`PJSIP/1001-…`,
/// `Local/1001@agents/n`), by the user's extra device patterns, or by the queue `MemberName`.
public struct AgentDirectory: Sendable {
    private let byExtension: [String: AgentIdentity]
    private let byName: [String: AgentIdentity]
    private let byID: [Int: AgentIdentity]
    private let patterns: [(pattern: String, agent: AgentIdentity)]

    public init(_ identities: [AgentIdentity]) {
        byExtension = Dictionary(identities.compactMap { id in id.extension.map { ($0, id) } }, uniquingKeysWith: { first, _ in first })
        byName = Dictionary(identities.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        byID = Dictionary(identities.map { ($0.userID, $0) }, uniquingKeysWith: { first, _ in first })
        patterns = identities.flatMap { id in id.devicePatterns.map { (pattern: $0, agent: id) } }
    }

    /// The user the PBX means by `ref`, or `nil` when no user matches.
    public func agent(for ref: AgentRef) -> AgentIdentity? {
        if let ext = ref.extension, let agent = byExtension[ext] { return agent }
        if let match = patterns.first(where: { Self.glob($0.pattern, matches: ref.device) }) { return match.agent }
        guard let member = ref.memberName else { return nil }
        if let agent = byName[member.lowercased()] { return agent }
        // `Agent1001`, `agent-1001`: a member name ending in a known extension.
        let digits = String(member.reversed().prefix { $0.isASCII && $0.isNumber }.reversed())
        return digits.isEmpty ? nil : byExtension[digits]
    }

    /// The user with this id, as a reference the directory resolves back to them.
    public func ref(userID: Int) -> AgentRef? {
        byID[userID].map { AgentRef(extension: $0.extension, memberName: $0.name, device: "user/\($0.userID)") }
    }

    /// The user at this desk extension.
    public func agent(extension ext: String) -> AgentIdentity? { byExtension[ext] }

    /// Shell-style match with `*` (any run) and `?` (one character).
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1; ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi; mark = ti; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
