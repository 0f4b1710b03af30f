extension CallCoordinator {
    /// What the coordinator knows of each live call beyond the tracker, with the few calls that hold
    /// something (pops or a final record, waiting) and the lookups still out kept on the side.
    ///
    /// Thousands of calls may be up at once and a tick looks only at those that hold something:
    /// scanning every call's state each tick, even reading it in place, took about a millisecond at
    /// 2,500 calls, four times a second, and the pops queued behind it waited that long.
    struct CallStates: Sendable {
        private var states: [String: CallState] = [:]
        /// Calls with held pops or a held final record.
        private(set) var holding: Set<String> = []
        /// Calls whose lookup is still out.
        private(set) var lookupsOut = 0

        /// The call's state; setting `nil` forgets the call.
        subscript(callID: String) -> CallState? {
            get { states[callID] }
            set {
                let old = if let newValue { states.updateValue(newValue, forKey: callID) } else { states.removeValue(forKey: callID) }
                account(callID, old: old, new: newValue)
            }
        }

        /// Takes the call's state out (the call is forgotten until it is set back), so that it can be
        /// changed in place. A copy read through the subscript shares its held pops and ringing cards
        /// with the stored state, and the first change to them copies them all: a call holding many
        /// pops was copied whole on every one added.
        mutating func take(_ callID: String) -> CallState? {
            let old = states.removeValue(forKey: callID)
            account(callID, old: old, new: nil)
            return old
        }

        private mutating func account(_ callID: String, old: CallState?, new: CallState?) {
            lookupsOut += (new?.lookupPending == true ? 1 : 0) - (old?.lookupPending == true ? 1 : 0)
            if let new, new.heldSince != nil || new.finalSince != nil {
                holding.insert(callID)
            } else if old?.heldSince != nil || old?.finalSince != nil {
                holding.remove(callID)
            }
        }

        /// Calls with any state.
        var count: Int { states.count }

        /// Their ids.
        var callIDs: Dictionary<String, CallState>.Keys { states.keys }
    }
}
