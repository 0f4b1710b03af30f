import AMI
import Crypto
import Foundation
import Logging
import NIOCore

/// One AMI client connection to the simulated PBX.
final class SimAMISession: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AMIFrame
    typealias OutboundOut = ByteBuffer

    private let pbx: SimulatedPBX
    private let logger: Logger
    private let registry: SimulatedAMIServerBox
    private var user: (name: String, canWrite: Bool)?
    private var challenge: String?
    private var eventClasses: Set<String>? = []
    private var filters: [NSRegularExpression] = []
    private var listener: Int?
    private weak var channel: (any Channel)?

    init(pbx: SimulatedPBX, logger: Logger, registry: SimulatedAMIServerBox) {
        self.pbx = pbx
        self.logger = logger
        self.registry = registry
    }

    func channelActive(context: ChannelHandlerContext) {
        channel = context.channel
        registry.server?.register(context.channel)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "Asterisk Call Manager/13.0.0\r\n")), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let listener { pbx.unsubscribe(listener) }
        registry.server?.unregister(context.channel)
        context.fireChannelInactive()
    }

    private func send(_ context: ChannelHandlerContext, _ headers: [(String, String)]) {
        context.writeAndFlush(wrapOutboundOut(AMIMessage(headers: headers).wireBytes), promise: nil)
    }

    private func reply(_ context: ChannelHandlerContext, _ action: AMIMessage, success: Bool, _ fields: [(String, String)]) {
        var headers: [(String, String)] = [("Response", success ? "Success" : "Error")]
        if let id = action.actionID { headers.append(("ActionID", id)) }
        send(context, headers + fields)
    }

    private func list(_ context: ChannelHandlerContext, _ action: AMIMessage, message: String, items: [AMIMessage], complete: String) {
        let id = action.actionID ?? ""
        var buffer = context.channel.allocator.buffer(capacity: 512)
        var start = AMIMessage(headers: [("Response", "Success"), ("ActionID", id), ("EventList", "start"), ("Message", message)]).wireBytes
        buffer.writeBuffer(&start)
        for item in items { var bytes = item.wireBytes; buffer.writeBuffer(&bytes) }
        var end = AMIMessage(headers: [("Event", complete), ("ActionID", id), ("EventList", "Complete"), ("ListItems", String(items.count))]).wireBytes
        buffer.writeBuffer(&end)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .message(let action) = unwrapInboundIn(data) else {
            send(context, [("Response", "Error"), ("Message", "Missing action in request")])
            return
        }
        guard let name = action["Action"]?.lowercased(), !name.isEmpty else {
            reply(context, action, success: false, [("Message", "Missing action in request")])
            return
        }
        switch name {
        case "login": login(context, action)
        case "challenge":
            challenge = String(Int.random(in: 10_000_000...99_999_999))
            reply(context, action, success: true, [("Challenge", challenge ?? "")])
        case "ping": reply(context, action, success: true, [("Ping", "Pong"), ("Timestamp", SimulatedPBX.timestamp())])
        case "logoff":
            var headers: [(String, String)] = [("Response", "Goodbye")]
            if let id = action.actionID { headers.append(("ActionID", id)) }
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(AMIMessage(headers: headers + [("Message", "Thanks for all the fish.")]).wireBytes))
                .whenComplete { _ in channel.close(promise: nil) }
        default:
            guard let user else {
                reply(context, action, success: false, [("Message", "Permission denied")])
                return
            }
            if SimAMISession.writeActions.contains(name), !user.canWrite {
                reply(context, action, success: false, [("Message", "Permission denied")])
                return
            }
            perform(name, action, context)
        }
    }

    static let writeActions: Set<String> = [
        "originate", "hangup", "redirect", "blindtransfer", "queueadd", "queueremove", "queuepause", "mixmonitor", "stopmixmonitor", "setvar", "command",
    ]

    private func login(_ context: ChannelHandlerContext, _ action: AMIMessage) {
        let username = action["Username"] ?? ""
        let account = pbx.configuration.users[username]
        let accepted: Bool
        if let key = action["Key"], let challenge, let account {
            let expected = Insecure.MD5.hash(data: Data((challenge + account.secret).utf8)).map { String(format: "%02x", $0) }.joined()
            accepted = key.lowercased() == expected
        } else {
            accepted = account != nil && action["Secret"] == account?.secret
        }
        guard accepted, let account else {
            reply(context, action, success: false, [("Message", "Authentication failed")])
            context.close(promise: nil)
            return
        }
        user = (username, account.canWrite)
        eventClasses = Self.classes(action["Events"] ?? "on")
        reply(context, action, success: true, [("Message", "Authentication accepted")])
        let channel = context.channel
        listener = pbx.subscribe { [weak self] event in
            guard let self, self.wants(event) else { return }
            channel.writeAndFlush(event.wireBytes, promise: nil)
        }
        deliver(context, AMIMessage(headers: [("Event", "FullyBooted"), ("Privilege", "system,all"), ("Uptime", "60"),
                                              ("LastReload", "60"), ("Status", "Fully Booted")]))
    }

    private func deliver(_ context: ChannelHandlerContext, _ event: AMIMessage) {
        if wants(event) { context.writeAndFlush(wrapOutboundOut(event.wireBytes), promise: nil) }
    }

    /// `on`/`all` → every class, `off` → none, else the listed classes.
    static func classes(_ mask: String) -> Set<String>? {
        switch mask.lowercased() {
        case "on", "all", "yes", "true": return nil
        case "off", "no", "false", "": return []
        default: return Set(mask.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
    }

    private func wants(_ event: AMIMessage) -> Bool {
        if let classes = eventClasses {
            let privilege = Set((event["Privilege"] ?? "").split(separator: ",").map(String.init)).subtracting(["all"])
            guard !classes.isDisjoint(with: privilege) else { return false }
        }
        guard !filters.isEmpty else { return true }
        let text = event.headers.map { "\($0.name): \($0.value)\r\n" }.joined()
        let range = NSRange(text.startIndex..., in: text)
        return filters.contains { $0.firstMatch(in: text, range: range) != nil }
    }

    private func perform(_ name: String, _ action: AMIMessage, _ context: ChannelHandlerContext) {
        switch name {
        case "events":
            eventClasses = Self.classes(action["EventMask"] ?? "on")
            reply(context, action, success: true, [("Events", eventClasses == [] ? "Off" : "On")])
        case "filter":
            guard let pattern = action["Filter"], let regex = try? NSRegularExpression(pattern: pattern) else {
                reply(context, action, success: false, [("Message", "Filter Not Added")])
                return
            }
            filters.append(regex)
            reply(context, action, success: true, [("Message", "Filter Added")])
        case "coresettings":
            reply(context, action, success: true, [
                ("AMIversion", "13.0.0"), ("AsteriskVersion", "CallDesk-PBXSimulator"), ("SystemName", "calldesk-sim"),
                ("CoreMaxCalls", "0"), ("CoreMaxLoadAvg", "0.000000"), ("CoreRunUser", ""), ("CoreRunGroup", ""),
                ("CoreMaxFilehandles", "0"), ("CoreRealTimeEnabled", "No"), ("CoreCDRenabled", "Yes"), ("CoreHTTPenabled", "Yes"),
                ("SoundsSearchCustomDir", "No"),
            ])
        case "command":
            reply(context, action, success: true, [("Message", "Command output follows"),
                                                   ("Output", "Asterisk CallDesk-PBXSimulator (AMI 13.0.0) on 127.0.0.1")])
        case "listcommands":
            let permitted = SimAMISession.allActions.filter { user?.canWrite == true || !SimAMISession.writeActions.contains($0.lowercased()) }
            reply(context, action, success: true, permitted.map { ($0, "Simulated.  (Priv: all)") })
        case "queuestatus":
            list(context, action, message: "Queue status will follow",
                 items: pbx.queueStatusItems(actionID: action.actionID ?? "", queue: action["Queue"]), complete: "QueueStatusComplete")
        case "queuesummary":
            list(context, action, message: "Queue summary will follow",
                 items: pbx.queueSummaryItems(actionID: action.actionID ?? "", queue: action["Queue"]), complete: "QueueSummaryComplete")
        case "coreshowchannels":
            list(context, action, message: "Channels will follow", items: pbx.coreShowChannelItems(actionID: action.actionID ?? ""),
                 complete: "CoreShowChannelsComplete")
        case "originate": originate(action, context)
        case "hangup": hangup(action, context)
        case "queueadd", "queueremove", "queuepause": memberChange(name, action, context)
        case "mixmonitor", "stopmixmonitor":
            guard let channel = action["Channel"].flatMap(pbx.channel(named:)) else {
                reply(context, action, success: false, [("Message", "No such channel")])
                return
            }
            pbx.setRecording(channel, file: name == "mixmonitor" ? (action["File"] ?? "\(channel.uniqueID).wav") : nil)
            let delay = name == "mixmonitor" ? pbx.nextMixMonitorReplyDelay() : 0
            guard delay > 0 else {
                reply(context, action, success: true, name == "mixmonitor" ? [] : [("Message", "Stopped MixMonitor")])
                return
            }
            let session = NIOLoopBound(self, eventLoop: context.eventLoop)
            let boundContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: .milliseconds(Int64(delay * 1000))) {
                session.value.reply(boundContext.value, action, success: true, [])
            }
        case "redirect":
            guard let channel = action["Channel"].flatMap(pbx.channel(named:)) else {
                reply(context, action, success: false, [("Message", "Channel specified does not exist")])
                return
            }
            channel.context = action["Context"] ?? channel.context
            channel.exten = action["Exten"] ?? channel.exten
            reply(context, action, success: true, [("Message", "Redirect successful")])
        case "blindtransfer":
            guard let channel = action["Channel"], !channel.isEmpty else {
                reply(context, action, success: false, [("Message", "No channel specified")])
                return
            }
            guard let exten = action["Exten"], !exten.isEmpty else {
                reply(context, action, success: false, [("Message", "No extension specified")])
                return
            }
            do {
                try pbx.blindTransfer(channel: channel, context: action["Context"] ?? "agents", exten: exten)
                reply(context, action, success: true, [("Message", "Transfer succeeded")])
            } catch {
                reply(context, action, success: false, [("Message", error.message)])
            }
        case "getvar":
            let value = action["Channel"].flatMap(pbx.channel(named:))?.variables[action["Variable"] ?? ""] ?? ""
            reply(context, action, success: true, [("Variable", action["Variable"] ?? ""), ("Value", value)])
        case "setvar":
            guard let channel = action["Channel"].flatMap(pbx.channel(named:)), let variable = action["Variable"] else {
                reply(context, action, success: false, [("Message", "No such channel")])
                return
            }
            channel.variables[variable] = action["Value"] ?? ""
            reply(context, action, success: true, [("Message", "Variable Set")])
        default:
            reply(context, action, success: false,
                  [("Message", "Invalid/unknown command: \(action["Action"] ?? ""). Use Action: ListCommands to show available commands.")])
        }
    }

    static let allActions = [
        "BlindTransfer", "Challenge", "Command", "CoreSettings", "CoreShowChannels", "Events", "Filter", "Getvar", "Hangup", "ListCommands", "Login",
        "Logoff", "MixMonitor", "Originate", "Ping", "QueueAdd", "QueuePause", "QueueRemove", "QueueStatus", "QueueSummary", "Redirect", "Setvar",
        "StopMixMonitor",
    ]

    private func originate(_ action: AMIMessage, _ context: ChannelHandlerContext) {
        guard let channel = action["Channel"], !channel.isEmpty else {
            reply(context, action, success: false, [("Message", "Channel not specified")])
            return
        }
        let callerID = action["CallerID"].map(SimulatedPBX.parseCallerID)
        var variables: [String: String] = [:]
        for assignment in action.values("Variable") {
            let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { variables[parts[0]] = parts[1] }
        }
        let request = SimulatedPBX.OriginateRequest(
            channel: channel, context: action["Context"], exten: action["Exten"], application: action["Application"],
            data: action["Data"], callerID: callerID, timeout: (Double(action["Timeout"] ?? "") ?? 30_000) / 1000,
            variables: variables, actionID: action.actionID ?? "", account: action["Account"] ?? "")
        do {
            try pbx.originate(request) { [weak self] response in
                guard let self else { return }
                context.writeAndFlush(self.wrapOutboundOut(response.wireBytes), promise: nil)
            }
        } catch {
            switch error {
            case .noChannel: reply(context, action, success: false, [("Message", "Channel not specified")])
            case .noSuchExtension: reply(context, action, success: false, [("Message", "Extension does not exist.")])
            case .unsupported(let technology):
                reply(context, action, success: false, [("Message", "Originate failed: the simulator dials Local channels only (\(technology))")])
            }
        }
    }

    private func hangup(_ action: AMIMessage, _ context: ChannelHandlerContext) {
        guard let target = action["Channel"], !target.isEmpty else {
            reply(context, action, success: false, [("Message", "No channel specified")])
            return
        }
        var matched: [SimChannel] = []
        if target.hasPrefix("/"), target.hasSuffix("/"), target.count > 2,
           let regex = try? NSRegularExpression(pattern: String(target.dropFirst().dropLast())) {
            matched = pbx.liveChannels.filter { regex.firstMatch(in: $0.name, range: NSRange($0.name.startIndex..., in: $0.name)) != nil }
        } else if let channel = pbx.channel(named: target) {
            matched = [channel]
        }
        guard !matched.isEmpty else {
            reply(context, action, success: false, [("Message", "No such channel")])
            return
        }
        let cause = Int(action["Cause"] ?? "") ?? 16
        for channel in matched { pbx.hangup(channel, cause: cause) }
        reply(context, action, success: true, [("Message", "Channel Hungup")])
    }

    private func memberChange(_ name: String, _ action: AMIMessage, _ context: ChannelHandlerContext) {
        do {
            switch name {
            case "queueadd":
                guard let queue = action["Queue"], let interface = action["Interface"] else {
                    reply(context, action, success: false, [("Message", "'Queue' not specified.")])
                    return
                }
                try pbx.addMember(queue: queue, interface: interface, memberName: action["MemberName"],
                                  penalty: Int(action["Penalty"] ?? "") ?? 0, paused: action["Paused"]?.lowercased() == "true")
                reply(context, action, success: true, [("Message", "Added interface to queue")])
            case "queueremove":
                guard let queue = action["Queue"], let interface = action["Interface"] else {
                    reply(context, action, success: false, [("Message", "'Queue' not specified.")])
                    return
                }
                try pbx.removeMember(queue: queue, interface: interface)
                reply(context, action, success: true, [("Message", "Removed interface from queue")])
            default:
                guard let interface = action["Interface"], let pausedText = action["Paused"] else {
                    reply(context, action, success: false, [("Message", "Need 'Interface' and 'Paused' parameters.")])
                    return
                }
                let paused = ["true", "yes", "1"].contains(pausedText.lowercased())
                try pbx.pause(interface: interface, queue: action["Queue"], paused: paused, reason: action["Reason"] ?? "")
                reply(context, action, success: true, [("Message", paused ? "Interface paused successfully" : "Interface unpaused successfully")])
            }
        } catch {
            reply(context, action, success: false, [("Message", error.message)])
        }
    }
}
