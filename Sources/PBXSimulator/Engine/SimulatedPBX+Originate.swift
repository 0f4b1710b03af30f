import AMI
import Foundation

extension SimulatedPBX {
    /// An `Originate` request as the AMI action carries it.
    struct OriginateRequest {
        var channel: String
        var context: String?
        var exten: String?
        var application: String?
        var data: String?
        var callerID: (number: String, name: String)?
        var timeout: Double
        var variables: [String: String]
        var actionID: String
        /// `Account`: the new channels' account code.
        var account: String = ""
    }

    /// Why an Originate is refused before anything is dialled.
    enum OriginateRefusal: Error {
        case noChannel, noSuchExtension, unsupported(String)
    }

    /// Starts a call from a `Local/exten@context` channel; the result arrives as OriginateResponse.
    func originate(_ request: OriginateRequest, respond: @escaping (AMIMessage) -> Void) throws(OriginateRefusal) {
        guard request.channel.hasPrefix("Local/"), let at = request.channel.firstIndex(of: "@") else {
            throw request.channel.isEmpty ? .noChannel : .unsupported(request.channel)
        }
        let exten = String(request.channel[request.channel.index(request.channel.startIndex, offsetBy: 6)..<at])
        let context = String(request.channel[request.channel.index(after: at)...].split(separator: "/").first ?? "")
        guard let outcome = outcome(context: context, exten: exten) else { throw .noSuchExtension }
        if let target = request.context, !["hold", "inbound", "agents", "customers", "campaign"].contains(target) {
            throw .noSuchExtension
        }
        count(started: true)
        let (one, two) = makeLocalPair(exten: exten, context: context, linkedID: nil, accountCode: request.account)
        // As Asterisk does: each Originate variable is set on both Local legs, a VarSet for each.
        for (key, value) in request.variables {
            for leg in [one, two] {
                leg.variables[key] = value
                emit("VarSet", privilege: "dialplan,all", leg.block() + [("Variable", key), ("Value", value)])
            }
        }
        if let callerID = request.callerID {
            for leg in [one, two] {
                leg.setCallerID(number: callerID.number, name: callerID.name)
                leg.connectedNumber = callerID.number
                leg.connectedName = callerID.name
                emit("NewCallerid", leg.block() + [("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")])
                emit("NewConnectedLine", leg.block())
            }
        }
        emit("DialBegin", one.block(prefix: "Dest") + [("DialString", "\(exten)@\(context)")])

        func response(success: Bool, reason: Int) {
            var fields: [(String, String)] = [("ActionID", request.actionID), ("Response", success ? "Success" : "Failure"),
                                              ("Channel", success ? one.name : "Local/\(exten)@\(context)")]
            if let application = request.application {
                fields += [("Application", application), ("Data", request.data ?? "")]
            } else {
                fields += [("Context", request.context ?? ""), ("Exten", request.exten ?? "")]
            }
            fields += [("Reason", String(reason)), ("Uniqueid", success ? one.uniqueID : "<unknown>"),
                       ("CallerIDNum", success ? one.callerIDNumber : "<unknown>"), ("CallerIDName", success ? one.callerIDName : "<unknown>")]
            emit("OriginateResponse", fields)
        }

        func fail(status: String, cause: Int, reason: Int) {
            if status == "NOANSWER" {
                // The originate gives up: its own leg goes first.
                response(success: false, reason: reason)
                hangup(one, cause: cause)
                return
            }
            emit("DialEnd", one.block(prefix: "Dest") + [("DialStatus", status)])
            hangup(two, cause: cause)
            response(success: false, reason: reason)
        }

        switch outcome {
        case .answer(let delay, let talk):
            after(delay) { [weak self] in
                guard let self, !one.isGone else { return }
                self.setState(two, .up)
                self.setState(one, .up)
                self.emit("DialEnd", one.block(prefix: "Dest") + [("DialStatus", "ANSWER")])
                response(success: true, reason: 4)
                self.runApplication(on: one, request: request)
                self.runDialplan(on: two, context: context, exten: exten, talk: talk)
            }
            after(request.timeout, unlessGone: one) {
                guard !one.isGone, one.state != .up else { return }
                fail(status: "NOANSWER", cause: 19, reason: 3)
            }
        case .busy:
            after(0.05) { fail(status: "BUSY", cause: 17, reason: 5) }
        case .congestion:
            after(0.05) { fail(status: "CONGESTION", cause: 34, reason: 8) }
        case .noAnswer:
            setState(two, .ringing)
            after(request.timeout, unlessGone: one) { [weak self] in
                guard self != nil, !one.isGone else { return }
                fail(status: "NOANSWER", cause: 19, reason: 3)
            }
        case .failed:
            after(0.01) { fail(status: "CHANUNAVAIL", cause: 21, reason: 0) }
        }
        respond(AMIMessage(headers: [("Response", "Success"), ("ActionID", request.actionID), ("Message", "Originate successfully queued")]))
    }

    /// What dialling `exten@context` leads to, or `nil` when the dialplan has no such extension.
    func outcome(context: String, exten: String) -> SimulatorConfiguration.Outcome? {
        switch context {
        case "inbound", "hold", "stasis":
            return .answer(after: 0, talk: .infinity)
        case "agents":
            switch configuration.agents[exten] ?? configuration.defaultAgent {
            case .answers(let after, let talk): return .answer(after: after, talk: talk)
            case .neverAnswers: return .noAnswer
            }
        case "customers", "campaign":
            guard exten.allSatisfy(\.isNumber), !exten.isEmpty else { return nil }
            return configuration.customers[exten] ?? configuration.defaultCustomer
        default:
            return nil
        }
    }

    /// The originating (`;1`) side runs the Originate's application, or the target context.
    private func runApplication(on channel: SimChannel, request: SimulatedPBX.OriginateRequest) {
        if let application = request.application {
            channel.application = application
            channel.applicationData = request.data ?? ""
            if application.lowercased() == "wait", let seconds = Double(request.data ?? "") {
                // The application returns and the dialplan ends: no cause (0).
                after(seconds, unlessGone: channel) { [weak self] in self?.hangup(channel, cause: 0) }
            }
        } else {
            channel.context = request.context ?? channel.context
            channel.exten = request.exten ?? channel.exten
            channel.priority = 2
            channel.application = "Wait"
            channel.applicationData = "30"
            after(30, unlessGone: channel) { [weak self] in self?.hangup(channel) }
        }
    }

    /// The dialled (`;2`) side runs the dialplan of its context.
    private func runDialplan(on channel: SimChannel, context: String, exten: String, talk: Double) {
        switch context {
        case "inbound":
            let queueName = exten == "101" ? "nobody" : "hotline"
            channel.application = "Answer"
            after(configuration.answerMediaWait, unlessGone: channel) { [weak self] in
                guard !channel.isGone else { return }
                self?.joinQueue(channel, queueName: queueName)
            }
        default:
            channel.application = "Wait"
            if talk.isFinite { after(talk, unlessGone: channel) { [weak self] in self?.hangup(channel) } }
        }
    }
}
