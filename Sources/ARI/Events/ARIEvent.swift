import Foundation

/// One message from the ARI event WebSocket, with the fields every event has.
public struct ARIEvent: Sendable, Hashable {
    /// The event's `type` as sent (`StasisStart`, `ChannelDestroyed`, …).
    public let type: String
    public let timestamp: String?
    public let application: String?
    public let payload: Payload

    /// The typed content of the events CallDesk uses; anything else is `.other`.
    public enum Payload: Sendable, Hashable {
        /// A channel entered the application, with the arguments of `Stasis(app,args…)`.
        case stasisStart(channel: ARIChannel, args: [String])
        case stasisEnd(channel: ARIChannel)
        case channelStateChange(channel: ARIChannel)
        /// The channel is gone; Q.850 cause and text.
        case channelDestroyed(channel: ARIChannel, cause: Int, causeText: String)
        case channelHangupRequest(channel: ARIChannel, cause: Int?, soft: Bool)
        case channelDtmfReceived(channel: ARIChannel, digit: String, durationMilliseconds: Int)
        /// A channel variable was set (the channel is absent for global variables).
        case channelVarset(channel: ARIChannel?, variable: String, value: String)
        case bridgeCreated(bridge: ARIBridge)
        case bridgeDestroyed(bridge: ARIBridge)
        case channelEnteredBridge(bridge: ARIBridge, channel: ARIChannel)
        case channelLeftBridge(bridge: ARIBridge, channel: ARIChannel)
        /// A dial from `caller` (absent for originates) to `peer`; `dialStatus` is empty while ringing.
        case dial(peer: ARIChannel, caller: ARIChannel?, dialStatus: String, dialString: String?)
        case other
    }

    /// Decodes one WebSocket text message.
    public static func decode(_ text: String) throws(ARIEventDecodingError) -> ARIEvent {
        do {
            return try JSONDecoder().decode(ARIEvent.self, from: Data(text.utf8))
        } catch {
            throw ARIEventDecodingError(text: String(text.prefix(200)), reason: "\(error)")
        }
    }
}

/// An event message that was not valid ARI JSON; the stream skips it and goes on.
public struct ARIEventDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let reason: String
    public var description: String { "ARI event is not valid JSON of a known shape (\(reason)): \(text)" }
}

extension ARIEvent: Decodable {
    private enum Keys: String, CodingKey {
        case type, timestamp, application, channel, args, cause, soft, digit, variable, value, bridge, peer, caller
        case causeText = "cause_txt"
        case durationMilliseconds = "duration_ms"
        case dialStatus = "dialstatus"
        case dialString = "dialstring"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        type = try c.decode(String.self, forKey: .type)
        timestamp = try c.decodeIfPresent(String.self, forKey: .timestamp)
        application = try c.decodeIfPresent(String.self, forKey: .application)
        func channel() throws -> ARIChannel { try c.decode(ARIChannel.self, forKey: .channel) }
        func bridge() throws -> ARIBridge { try c.decode(ARIBridge.self, forKey: .bridge) }
        switch type {
        case "StasisStart": payload = .stasisStart(channel: try channel(), args: try c.decodeIfPresent([String].self, forKey: .args) ?? [])
        case "StasisEnd": payload = .stasisEnd(channel: try channel())
        case "ChannelStateChange": payload = .channelStateChange(channel: try channel())
        case "ChannelDestroyed":
            payload = .channelDestroyed(channel: try channel(), cause: try c.decodeIfPresent(Int.self, forKey: .cause) ?? 0,
                                        causeText: try c.decodeIfPresent(String.self, forKey: .causeText) ?? "")
        case "ChannelHangupRequest":
            payload = .channelHangupRequest(channel: try channel(), cause: try c.decodeIfPresent(Int.self, forKey: .cause),
                                            soft: try c.decodeIfPresent(Bool.self, forKey: .soft) ?? false)
        case "ChannelDtmfReceived":
            payload = .channelDtmfReceived(channel: try channel(), digit: try c.decode(String.self, forKey: .digit),
                                           durationMilliseconds: try c.decodeIfPresent(Int.self, forKey: .durationMilliseconds) ?? 0)
        case "ChannelVarset":
            payload = .channelVarset(channel: try c.decodeIfPresent(ARIChannel.self, forKey: .channel),
                                     variable: try c.decode(String.self, forKey: .variable), value: try c.decodeIfPresent(String.self, forKey: .value) ?? "")
        case "BridgeCreated": payload = .bridgeCreated(bridge: try bridge())
        case "BridgeDestroyed": payload = .bridgeDestroyed(bridge: try bridge())
        case "ChannelEnteredBridge": payload = .channelEnteredBridge(bridge: try bridge(), channel: try channel())
        case "ChannelLeftBridge": payload = .channelLeftBridge(bridge: try bridge(), channel: try channel())
        case "Dial":
            payload = .dial(peer: try c.decode(ARIChannel.self, forKey: .peer), caller: try c.decodeIfPresent(ARIChannel.self, forKey: .caller),
                            dialStatus: try c.decodeIfPresent(String.self, forKey: .dialStatus) ?? "",
                            dialString: try c.decodeIfPresent(String.self, forKey: .dialString))
        default: payload = .other
        }
    }
}
