import Foundation

extension SimulatedPBX {
    /// `POST /ari/channels` (or `/ari/channels/{channelId}`) as its query and body carry it.
    struct ARIOriginate {
        var endpoint: String?
        var app: String?
        var appArgs: [String] = []
        var context: String?
        var exten: String?
        var channelID: String?
        var otherChannelID: String?
        var callerID: String?
        var timeout: Double = 30
        var variables: [String: String] = [:]
    }

    /// `"Name" <number>` as Asterisk splits it; a bare number is both.
    static func parseCallerID(_ text: String) -> (number: String, name: String) {
        let number = text.split(separator: "<").dropFirst().first.map { String($0.dropLast(text.hasSuffix(">") ? 1 : 0)) } ?? text
        let name = text.split(separator: "<").first
            .map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) } ?? ""
        return (number, name.isEmpty ? number : name)
    }

    /// Creates a Local pair towards `endpoint`; once the far side answers, the originated side
    /// enters the Stasis application or runs the given extension. Errors are Asterisk's.
    func ariOriginate(_ request: ARIOriginate) throws(SimARIError) -> SimARIReply {
        guard let endpoint = request.endpoint, !endpoint.isEmpty else { throw .badRequest("Endpoint must be specified") }
        guard request.app != nil || request.exten != nil else { throw .badRequest("Application or extension must be specified") }
        guard endpoint.hasPrefix("Local/"), let at = endpoint.firstIndex(of: "@") else {
            throw SimARIError(status: 500, message: "Allocation failed", key: "error")
        }
        for id in [request.channelID, request.otherChannelID].compactMap({ $0 }) where channel(id: id) != nil {
            throw .conflict("Channel with given unique ID already exists")
        }
        let exten = String(endpoint[endpoint.index(endpoint.startIndex, offsetBy: 6)..<at])
        let context = String(endpoint[endpoint.index(after: at)...].split(separator: "/").first ?? "")
        count(started: true)
        let (one, two) = makeLocalPair(exten: exten, context: context, linkedID: nil, ids: (request.channelID, request.otherChannelID))
        one.application = "AppDial2"
        one.applicationData = "(Outgoing Line)"
        if let app = request.app {
            one.ariOwner = app
            two.ariOwner = app
        }
        for (key, value) in request.variables {
            one.variables[key] = value
            two.variables[key] = value
            emitARI("ChannelVarset", about: two, ["variable": key, "value": value])
        }
        if let text = request.callerID {
            let callerID = Self.parseCallerID(text)
            for leg in [two, one] {
                leg.setCallerID(number: callerID.number, name: callerID.name)
                leg.connectedNumber = callerID.number
                leg.connectedName = callerID.name
                emit("NewCallerid", leg.block() + [("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")])
            }
        }
        let reply = SimARIReply.json(ARIJSON.channel(one))
        emit("DialBegin", one.block(prefix: "Dest") + [("DialString", "\(exten)@\(context)")])
        dialEvent(one, status: "", dialString: "\(exten)@\(context)")

        let connect = { [weak self] in
            guard let self, !one.isGone else { return }
            self.setState(one, .up)
            self.emit("DialEnd", one.block(prefix: "Dest") + [("DialStatus", "ANSWER")])
            self.dialEvent(one, status: "ANSWER")
            if let app = request.app {
                self.enterStasis(one, app: app, args: request.appArgs)
            } else {
                one.context = request.context ?? "default"
                one.exten = request.exten ?? "s"
                self.runExtension(one)
            }
        }
        if context == "stasis" {
            // The far side runs Stasis() at once, ringing; the application answers it.
            two.application = "Stasis"
            enterStasis(two, app: "crmd", args: ["inbound"])
            onAnswer[two.uniqueID] = connect
        } else {
            switch outcome(context: context, exten: exten) ?? .failed {
            case .answer(let delay, let talk):
                after(delay) { [weak self] in
                    guard let self, !two.isGone else { return }
                    self.setState(two, .up)
                    connect()
                    if talk.isFinite { self.after(talk) { [weak self] in self?.hangup(two) } }
                }
            case .busy: after(0.05) { [weak self] in self?.ariDialFailed(one, two, status: "BUSY", cause: 17) }
            case .congestion: after(0.05) { [weak self] in self?.ariDialFailed(one, two, status: "CONGESTION", cause: 34) }
            case .noAnswer: setState(two, .ringing)
            case .failed: after(0.01) { [weak self] in self?.ariDialFailed(one, two, status: "CHANUNAVAIL", cause: 21) }
            }
            after(request.timeout) { [weak self] in
                guard let self, !one.isGone, one.state != .up else { return }
                self.dialEvent(one, status: "NOANSWER")
                self.hangup(one, cause: 19)
            }
        }
        return reply
    }

    private func ariDialFailed(_ one: SimChannel, _ two: SimChannel, status: String, cause: Int) {
        guard !one.isGone else { return }
        emit("DialEnd", one.block(prefix: "Dest") + [("DialStatus", status)])
        dialEvent(one, status: status)
        hangup(two, cause: cause)
    }

    /// ARI's `Dial` event about an originated channel (no caller).
    private func dialEvent(_ peer: SimChannel, status: String, dialString: String? = nil) {
        guard let app = peer.ariOwner else { return }
        var fields: [String: Any] = ["peer": ARIJSON.channel(peer), "dialstatus": status, "forward": ""]
        if let dialString { fields["dialstring"] = dialString }
        sendARI("Dial", to: app, fields)
    }

    /// The originated side runs `exten@context` of the captures' dialplan after answer.
    private func runExtension(_ channel: SimChannel) {
        channel.priority = 1
        switch outcome(context: channel.context, exten: channel.exten) {
        case .answer(_, let talk)?:
            channel.application = "Wait"
            if talk.isFinite { after(talk) { [weak self] in self?.hangup(channel) } }
        case .noAnswer?:
            channel.application = "Wait"
            after(30) { [weak self] in self?.hangup(channel) }
        default:
            hangup(channel)
        }
    }

    // MARK: Operations on a channel

    /// The channel with ARI id `id`, or Asterisk's 404.
    func ariChannel(_ id: String) throws(SimARIError) -> SimChannel {
        guard let channel = channel(id: id) else { throw .notFound("Channel") }
        return channel
    }

    private func inStasis(_ id: String) throws(SimARIError) -> SimChannel {
        let channel = try ariChannel(id)
        guard channel.stasisApp != nil else { throw .conflict("Channel not in Stasis application") }
        return channel
    }

    func ariAnswer(_ id: String) throws(SimARIError) {
        let channel = try inStasis(id)
        guard channel.state != .up else { return }
        setState(channel, .up)
        onAnswer.removeValue(forKey: channel.uniqueID)?()
    }

    /// Indicates ringing to the caller; the channel's own state does not change (as in Asterisk).
    func ariRing(_ id: String) throws(SimARIError) {
        _ = try inStasis(id)
    }

    /// `DELETE /channels/{id}`: `reason` (normal, busy, congestion, no_answer, …) or a Q.850 `reason_code`.
    func ariHangup(_ id: String, reason: String?, reasonCode: Int?) throws(SimARIError) {
        let channel = try ariChannel(id)
        let causes = ["normal": 16, "busy": 17, "congestion": 34, "no_answer": 19, "answered_elsewhere": 26, "rejected": 21]
        if let reason, causes[reason] == nil { throw .badRequest("Invalid reason for hangup provided") }
        hangup(channel, cause: reasonCode ?? reason.flatMap { causes[$0] } ?? 16, requestCause: 32)
    }

    /// `POST /channels/{id}/continue`: the channel leaves Stasis and goes on in the dialplan
    /// (the captures' `stasis` context hangs up next).
    func ariContinue(_ id: String) throws(SimARIError) {
        let channel = try inStasis(id)
        leaveStasis(channel)
        channel.priority += 1
        after(0) { [weak self] in self?.hangup(channel) }
    }

    func ariSetVariable(_ id: String, name: String?, value: String?) throws(SimARIError) {
        guard let name, !name.isEmpty else { throw .badRequest("Variable name is required") }
        let channel = try ariChannel(id)
        channel.variables[name] = value ?? ""
        emitARI("ChannelVarset", about: channel, ["variable": name, "value": value ?? ""])
    }

    func ariVariable(_ id: String, name: String?) throws(SimARIError) -> SimARIReply {
        guard let name, !name.isEmpty else { throw .badRequest("Variable name is required") }
        let channel = try ariChannel(id)
        guard let value = channel.variables[name] else { throw SimARIError(status: 404, message: "Provided variable was not found") }
        return .json(["value": value])
    }

    /// `POST /channels/{id}/record`: a live recording of the channel (MixMonitor-like on the AMI side).
    func ariRecord(_ id: String, name: String?, format: String?) throws(SimARIError) -> SimARIReply {
        guard let name, !name.isEmpty else { throw .badRequest("Recording name is required") }
        guard let format, !format.isEmpty else { throw .badRequest("Recording format is required") }
        let channel = try inStasis(id)
        channel.recording = "\(name).\(format)"
        let recording: [String: Any] = ["name": name, "format": format, "state": "recording", "target_uri": "channel:\(id)"]
        if let app = channel.stasisApp { sendARI("RecordingStarted", to: app, ["recording": recording]) }
        return .json(recording, status: 201)
    }

    /// `POST /channels/{id}/play`: a playback that starts now and finishes a second later.
    func ariPlay(_ id: String, media: String?, playbackID: String?) throws(SimARIError) -> SimARIReply {
        guard let media, !media.isEmpty else { throw .badRequest("media is required") }
        let channel = try inStasis(id)
        let playbackID = playbackID ?? UUID().uuidString.lowercased()
        var playback: [String: Any] = ["id": playbackID, "media_uri": media, "target_uri": "channel:\(id)", "language": "en", "state": "queued"]
        let reply = SimARIReply.json(playback, status: 201)
        guard let app = channel.stasisApp else { return reply }
        playback["state"] = "playing"
        sendARI("PlaybackStarted", to: app, ["playback": playback])
        after(1) { [weak self] in
            playback["state"] = "done"
            self?.sendARI("PlaybackFinished", to: app, ["playback": playback])
        }
        return reply
    }
}
