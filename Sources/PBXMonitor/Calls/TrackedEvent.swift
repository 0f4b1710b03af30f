import AMI

/// What an AMI event is to `CallTracker`, found from its name's bytes: no String is made and
/// nothing is hashed (a dictionary keyed by the name spent more on the String and its hash than
/// the tracker spent on most events).
enum TrackedEvent: Sendable {
    /// About devices, queue members or the manager session, not a call: it changes nothing and costs no field read.
    case ignored
    /// Any other event: it only marks its call as seen.
    case other
    case newchannel, newCallerID, newstate, queueCallerJoin, agentCalled, dialBegin, dialEnd, agentConnect, agentRingNoAnswer,
         agentComplete, queueCallerAbandon, originateResponse, userEvent, newexten, varSet, hangup

    /// The event `message` is: `.other` for one the tracker does not know, `.ignored` for a message that is no event.
    init(_ message: AMIMessage) {
        if let event = message.withEventNameBytes(Self.init(name:)) {
            self = event
        } else if var name = message.eventName {
            // `Event:` not first (Asterisk always writes it first; a hand-made message may not).
            self = name.withUTF8 { Self(name: UnsafeRawBufferPointer($0)) }
        } else {
            self = .ignored
        }
    }

    private init(name: UnsafeRawBufferPointer) {
        guard name.count < Self.byLength.count else { self = .other; return }
        for index in Self.byLength[name.count] where Self.names[index].name.bytesEqual(name) {
            self = Self.names[index].event
            return
        }
        self = .other
    }

    private static let names: [(name: StaticString, event: TrackedEvent)] = [
        ("DeviceStateChange", .ignored), ("ExtensionStatus", .ignored), ("PeerStatus", .ignored), ("ContactStatus", .ignored),
        ("Registry", .ignored), ("FullyBooted", .ignored), ("SuccessfulAuth", .ignored), ("QueueMember", .ignored),
        ("QueueMemberStatus", .ignored), ("QueueMemberPause", .ignored), ("QueueMemberAdded", .ignored), ("QueueMemberRemoved", .ignored),
        ("QueueParams", .ignored), ("QueueStatusComplete", .ignored), ("QueueSummary", .ignored), ("QueueSummaryComplete", .ignored),
        ("CoreShowChannelsComplete", .ignored),
        ("Newchannel", .newchannel), ("NewCallerid", .newCallerID), ("Newstate", .newstate), ("QueueCallerJoin", .queueCallerJoin),
        ("AgentCalled", .agentCalled), ("DialBegin", .dialBegin), ("DialEnd", .dialEnd), ("AgentConnect", .agentConnect),
        ("AgentRingNoAnswer", .agentRingNoAnswer), ("AgentComplete", .agentComplete), ("QueueCallerAbandon", .queueCallerAbandon),
        ("OriginateResponse", .originateResponse), ("UserEvent", .userEvent), ("Newexten", .newexten), ("VarSet", .varSet),
        ("Hangup", .hangup),
    ]

    /// For each name length, where in `names` the names of that length are.
    private static let byLength: [[Int]] = {
        var byLength = [[Int]](repeating: [], count: (names.map(\.name.utf8CodeUnitCount).max() ?? 0) + 1)
        for (index, entry) in names.enumerated() { byLength[entry.name.utf8CodeUnitCount].append(index) }
        return byLength
    }()
}

extension StaticString {
    /// Whether these are exactly `bytes`.
    @inline(__always)
    fileprivate func bytesEqual(_ bytes: UnsafeRawBufferPointer) -> Bool {
        utf8CodeUnitCount == bytes.count && UnsafeBufferPointer(start: utf8Start, count: utf8CodeUnitCount).elementsEqual(bytes)
    }
}
