import AMI
@testable import CRM
import Foundation
import Vocabulary
@testable import Workflows

/// Drives a `CallCoordinator` with hand-made AMI events in the captures' shape, recording every action.
struct CoordinatorScript {
    static let agents = AgentDirectory([
        AgentIdentity(userID: 1, name: "王芳", role: .agent, extension: "1001", devicePatterns: [], teamID: 1),
        AgentIdentity(userID: 2, name: "赵强", role: .agent, extension: "1002", devicePatterns: [], teamID: 1),
    ])

    var coordinator: CallCoordinator
    var actions: [CallCoordinator.Action] = []
    var clock = ContinuousClock.now
    private var leg = 0

    init(configuration: CallLogConfiguration = CallLogConfiguration(), agents: AgentDirectory = Self.agents) {
        coordinator = CallCoordinator(pbx: "main", configuration: configuration, directory: agents, now: clock)
    }

    /// `count` agents with extensions from 1001, user ids from 1.
    static func team(of count: Int) -> AgentDirectory {
        AgentDirectory((1...count).map { AgentIdentity(userID: $0, name: "agent\($0)", role: .agent, extension: String(1000 + $0), devicePatterns: [], teamID: 1) })
    }

    struct Lookup: Hashable { let callID: String; let number: String }

    var lookups: [Lookup] { actions.compactMap { if case .lookUp(let id, let number) = $0 { Lookup(callID: id, number: number) } else { nil } } }
    var published: [(pop: ScreenPop, agentID: Int)] { actions.compactMap { if case .publish(let pop, let agent, _) = $0 { (pop, agent) } else { nil } } }
    var writes: [CallEntry] { actions.compactMap { if case .write(let entry) = $0 { entry } else { nil } } }
    var heldCalls: Int { coordinator.calls.count }

    func identity(of callID: String) -> CallerIdentity? { coordinator.calls[callID]?.identity }

    /// Feeds one input and returns the actions it caused (also kept in `actions`).
    @discardableResult
    mutating func feed(_ input: CallCoordinator.Input) -> [CallCoordinator.Action] {
        let new = coordinator.handle(input)
        actions += new
        return new
    }

    @discardableResult
    mutating func event(_ fields: [(String, String)]) -> [CallCoordinator.Action] {
        feed(.events([AMIEvent(pbx: "main", message: AMIMessage(headers: fields), receivedAt: Date(), arrivedAt: clock)]))
    }

    /// A hotline call's first leg, with the caller's number.
    mutating func newInboundCall(_ callID: String, number: String) {
        event([("Event", "Newchannel"), ("Channel", "PJSIP/trunk-\(callID)"), ("ChannelState", "4"), ("CallerIDNum", number),
               ("CallerIDName", "<unknown>"), ("Context", "inbound"), ("Exten", "100"), ("Uniqueid", callID), ("Linkedid", callID)])
    }

    /// The caller ID changes after the first leg (`NewCallerid`).
    mutating func callerID(_ callID: String, number: String) {
        event([("Event", "NewCallerid"), ("Channel", "PJSIP/trunk-\(callID)"), ("CallerIDNum", number), ("CallerIDName", "<unknown>"),
               ("Context", "inbound"), ("Uniqueid", callID), ("Linkedid", callID)])
    }

    /// The queue rings an agent's device (`AgentCalled`).
    @discardableResult
    mutating func ring(_ callID: String, agent ext: String) -> [CallCoordinator.Action] {
        event(agentEvent("AgentCalled", callID, ext))
    }

    mutating func connect(_ callID: String, agent ext: String) {
        leg += 1
        event([("Event", "Newchannel"), ("Channel", "Local/\(ext)@agents-\(leg);1"), ("ChannelState", "0"), ("Context", "agents"),
               ("Exten", ext), ("Uniqueid", "\(callID)-\(ext)"), ("Linkedid", callID)])
        event(agentEvent("AgentConnect", callID, ext) + [("HoldTime", "3")])
    }

    mutating func hangup(_ callID: String, agents: [String] = []) {
        for ext in agents {
            event([("Event", "Hangup"), ("Channel", "Local/\(ext)@agents;1"), ("Uniqueid", "\(callID)-\(ext)"), ("Linkedid", callID), ("Cause", "16")])
        }
        event([("Event", "Hangup"), ("Channel", "PJSIP/trunk-\(callID)"), ("Uniqueid", callID), ("Linkedid", callID), ("Cause", "16")])
    }

    mutating func answer(_ lookup: Lookup, with identity: CallerIdentity) {
        feed(.lookedUp(callID: lookup.callID, identity: identity))
    }

    mutating func advance(_ duration: Duration) {
        clock += duration
        feed(.tick(clock))
    }

    private func agentEvent(_ name: String, _ callID: String, _ ext: String) -> [(String, String)] {
        [("Event", name), ("Channel", "PJSIP/trunk-\(callID)"), ("Uniqueid", callID), ("Linkedid", callID), ("Queue", "hotline"),
         ("DestChannel", "Local/\(ext)@agents-\(callID);1"), ("Interface", "Local/\(ext)@agents/n"), ("MemberName", "Agent\(ext)")]
    }
}

extension CallerIdentity {
    /// A lookup's answer for a number one customer has.
    static func known(_ number: String, customer id: Int, name: String) -> CallerIdentity {
        let match = CustomerMatch(id: id, name: name, kind: .individual, ownerID: 1)
        let card = CustomerCard(id: id, name: name, kind: .individual, grade: .a, ownerID: 1, ownerName: "王芳", phones: [], vehicles: [],
                                policies: [], lastInteractions: [], openTasks: [], openComplaints: [])
        return CallerIdentity(number: number, e164: "+86\(number)", customers: [match], cards: [card])
    }
}
