import Foundation

/// The simulated PBX's objects in ARI's JSON shapes (channel, bridge, timestamps), as the
/// captured Asterisk writes them.
enum ARIJSON {
    static let asteriskID = "02:fc:00:00:00:01"

    static func channel(_ channel: SimChannel) -> [String: Any] {
        func id(_ value: String) -> String { value == "<unknown>" ? "" : value }
        return [
            "id": channel.uniqueID, "name": channel.name, "state": channel.state.description, "protocol_id": "",
            "caller": ["name": id(channel.callerIDName), "number": id(channel.callerIDNumber)],
            "connected": ["name": id(channel.connectedName), "number": id(channel.connectedNumber)],
            "accountcode": "",
            "dialplan": ["context": channel.context, "exten": channel.exten, "priority": channel.priority,
                         "app_name": channel.application, "app_data": channel.applicationData],
            "creationtime": timestamp(channel.createdAt), "language": "en",
        ]
    }

    static func bridge(_ bridge: SimARIBridge) -> [String: Any] {
        [
            "id": bridge.id, "technology": "simple_bridge", "bridge_type": bridge.type, "bridge_class": "stasis",
            "creator": "Stasis", "name": bridge.name, "channels": bridge.channels.map(\.uniqueID),
            "creationtime": timestamp(bridge.createdAt), "video_mode": "talker",
        ]
    }

    /// `2026-11-22T19:28:56.017+0000`
    static func timestamp(_ date: Date) -> String {
        let millis = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = millis / 1000
        var time = tm()
        var raw = time_t(seconds)
        gmtime_r(&raw, &time)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03d+0000", Int(time.tm_year) + 1900, Int(time.tm_mon) + 1,
                      Int(time.tm_mday), Int(time.tm_hour), Int(time.tm_min), Int(time.tm_sec), millis % 1000)
    }

    static func text(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
