/// What an AMI event is to `CallTracker`, found by one lookup of its name (a `switch` on the name
/// compared it with one case after another, a good share of the tracker's time per event).
enum TrackedEvent: Sendable {
    /// About devices, queue members or the manager session, not a call: it changes nothing and costs no field read.
    case ignored
    /// Any other event: it only marks its call as seen.
    case other
    case newchannel, newCallerID, newstate, queueCallerJoin, agentCalled, dialBegin, dialEnd, agentConnect, agentRingNoAnswer,
         agentComplete, queueCallerAbandon, originateResponse, userEvent, newexten, varSet, hangup

    init(name: String) {
        self = Self.byName[name] ?? .other
    }

    private static let byName: [String: TrackedEvent] = {
        var byName: [String: TrackedEvent] = [:]
        for name in ["DeviceStateChange", "ExtensionStatus", "PeerStatus", "ContactStatus", "Registry", "FullyBooted", "SuccessfulAuth",
                     "QueueMember", "QueueMemberStatus", "QueueMemberPause", "QueueMemberAdded", "QueueMemberRemoved", "QueueParams",
                     "QueueStatusComplete", "QueueSummary", "QueueSummaryComplete", "CoreShowChannelsComplete"] {
            byName[name] = .ignored
        }
        let handled: [(String, TrackedEvent)] = [
            ("Newchannel", .newchannel), ("NewCallerid", .newCallerID), ("Newstate", .newstate), ("QueueCallerJoin", .queueCallerJoin),
            ("AgentCalled", .agentCalled), ("DialBegin", .dialBegin), ("DialEnd", .dialEnd), ("AgentConnect", .agentConnect),
            ("AgentRingNoAnswer", .agentRingNoAnswer), ("AgentComplete", .agentComplete), ("QueueCallerAbandon", .queueCallerAbandon),
            ("OriginateResponse", .originateResponse), ("UserEvent", .userEvent), ("Newexten", .newexten), ("VarSet", .varSet),
            ("Hangup", .hangup),
        ]
        for (name, event) in handled { byName[name] = event }
        return byName
    }()
}
