import Foundation

extension SimulatedPBX {
    func ariBridge(_ id: String) throws(SimARIError) -> SimARIBridge {
        guard let bridge = ariBridges[id] else { throw .notFound("Bridge") }
        return bridge
    }

    /// `POST /bridges`: a new, empty bridge of `type` (mixing by default).
    func ariCreateBridge(type: String?, name: String?, id: String? = nil) throws(SimARIError) -> SimARIReply {
        let type = type ?? "mixing"
        guard ["mixing", "holding", "dtmf_events", "proxy_media"].contains(type) else { throw .badRequest("Invalid bridge type") }
        let bridge = SimARIBridge(id: id ?? UUID().uuidString.lowercased(), name: name ?? "", type: type)
        ariBridges[bridge.id] = bridge
        return .json(ARIJSON.bridge(bridge))
    }

    /// `POST /bridges/{id}/addChannel?channel=a,b`: every channel must exist and be in Stasis.
    func ariAddChannels(_ ids: [String], to bridgeID: String) throws(SimARIError) {
        guard !ids.isEmpty else { throw .badRequest("Missing parameter channel") }
        let bridge = try ariBridge(bridgeID)
        var joining: [SimChannel] = []
        for id in ids {
            guard let channel = channel(id: id) else { throw .badRequest("Channel not found") }
            guard channel.stasisApp != nil else { throw .unprocessable("Channel not in Stasis application") }
            joining.append(channel)
        }
        for channel in joining where channel.ariBridgeID != bridge.id {
            if let current = channel.ariBridgeID { leaveARIBridge(current, channel) }
            channel.ariBridgeID = bridge.id
            bridge.channels.append(channel)
            emit("BridgeEnter", Self.bridgeFields(bridge.id, count: bridge.channels.count) + channel.block())
            emitARI("ChannelEnteredBridge", about: channel, ["bridge": ARIJSON.bridge(bridge)])
        }
    }

    func ariRemoveChannel(_ id: String?, from bridgeID: String) throws(SimARIError) {
        guard let id, !id.isEmpty else { throw .badRequest("Missing parameter channel") }
        let bridge = try ariBridge(bridgeID)
        guard let channel = channel(id: id) else { throw .badRequest("Channel not found") }
        guard channel.ariBridgeID == bridge.id else { throw .unprocessable("Channel not in this bridge") }
        leaveARIBridge(bridge.id, channel)
    }

    /// `DELETE /bridges/{id}`: the channels leave (they stay up, in Stasis) and the bridge goes.
    func ariDeleteBridge(_ id: String) throws(SimARIError) {
        let bridge = try ariBridge(id)
        for channel in bridge.channels { leaveARIBridge(id, channel) }
        ariBridges[id] = nil
    }

    func leaveARIBridge(_ id: String, _ channel: SimChannel) {
        guard let bridge = ariBridges[id] else { return }
        bridge.channels.removeAll { $0 === channel }
        channel.ariBridgeID = nil
        emit("BridgeLeave", Self.bridgeFields(id, count: bridge.channels.count) + channel.block())
        emitARI("ChannelLeftBridge", about: channel, ["bridge": ARIJSON.bridge(bridge)])
    }
}
