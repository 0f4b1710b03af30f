import Foundation

extension SimulatedPBX {
    // MARK: Applications and their event sockets

    /// Registers an event socket of ARI application `app` (`/ari/events?app=…`); `send` gets each
    /// event's JSON text. Returns a handle for `removeARIListener`.
    func addARIListener(app: String, _ send: @escaping (String) -> Void) -> Int {
        nextARIListener += 1
        ariListeners[nextARIListener] = (app, send)
        return nextARIListener
    }

    func removeARIListener(_ id: Int) {
        ariListeners[id] = nil
    }

    /// Applications with at least one connected event socket (Asterisk's registered Stasis apps).
    var registeredApplications: Set<String> { Set(ariListeners.values.map(\.app)) }

    /// Sends `type` about `channel` to the applications that hear the channel: the one that
    /// originated it and the one it is in.
    func emitARI(_ type: String, about channel: SimChannel, _ fields: [String: Any] = [:]) {
        let apps = Set([channel.ariOwner, channel.stasisApp].compactMap { $0 })
        guard !apps.isEmpty else { return }
        var event = fields
        event["channel"] = ARIJSON.channel(channel)
        for app in apps { sendARI(type, to: app, event) }
    }

    func sendARI(_ type: String, to app: String, _ fields: [String: Any]) {
        var event = fields
        event["type"] = type
        event["timestamp"] = ARIJSON.timestamp(Date())
        event["asterisk_id"] = ARIJSON.asteriskID
        event["application"] = app
        let text = ARIJSON.text(event)
        for listener in ariListeners.values where listener.app == app { listener.send(text) }
    }

    // MARK: Stasis

    /// `Stasis(app,args…)`: the channel enters the application, or hangs up when no client has
    /// registered it (Asterisk: "Stasis app '…' not registered").
    func enterStasis(_ channel: SimChannel, app: String, args: [String]) {
        guard registeredApplications.contains(app) else {
            hangup(channel)
            return
        }
        channel.application = "Stasis"
        channel.applicationData = ([app] + args).joined(separator: ",")
        channel.priority += 1
        channel.stasisApp = app
        emitARI("ChannelVarset", about: channel, ["variable": "STASISSTATUS", "value": ""])
        emitARI("StasisStart", about: channel, ["args": args])
    }

    /// The channel leaves its application (hangup or `continue`); a channel the application did not
    /// originate is no longer heard from afterwards.
    func leaveStasis(_ channel: SimChannel) {
        guard channel.stasisApp != nil else { return }
        emitARI("StasisEnd", about: channel)
        channel.stasisApp = nil
        emitARI("ChannelVarset", about: channel, ["variable": "STASISSTATUS", "value": "SUCCESS"])
    }

    /// Channel by ARI id (its Uniqueid).
    func channel(id: String) -> SimChannel? {
        channels.values.first { $0.uniqueID == id }
    }
}
