import AMI
import Foundation
import NIOPosix
import NIOConcurrencyHelpers
import PBXSimulator

/// Runs scenarios on the simulated PBX through a real `AMIClient` and lines their events up
/// with a capture's, channel names stripped of their sequence numbers (`Local/100@inbound;2`).
enum SimulatorHarness {
    /// Events the call tracker and screen-pop consume, compared in order with the captures.
    static let callFlowEvents: Set<String> = [
        "QueueCallerJoin", "AgentCalled", "AgentConnect", "QueueCallerLeave", "QueueCallerAbandon", "AgentComplete",
        "AgentRingNoAnswer", "BridgeEnter", "BridgeLeave", "OriginateResponse", "Hangup", "DialBegin", "DialEnd",
        "QueueMemberPause", "QueueMemberAdded", "QueueMemberRemoved", "MixMonitorStart", "MixMonitorStop",
    ]

    static func normalize(_ channel: String?) -> String {
        guard let channel else { return "-" }
        return channel.replacingOccurrences(of: #"-[0-9a-f]{8};"#, with: ";", options: .regularExpression)
    }

    /// One event as compared: its name and the fields that carry meaning (ids and times left out).
    static func signature(_ message: AMIMessage) -> String {
        let name = message.eventName ?? "?"
        var parts = [name]
        for key in ["Channel", "DestChannel"] where message[key] != nil { parts.append("\(key)=\(normalize(message[key]))") }
        for key in ["Queue", "MemberName", "Interface", "Cause", "DialStatus", "Reason", "Response", "Position", "Count",
                    "CallerIDNum", "Paused", "PausedReason", "OriginalPosition"] {
            if let value = message[key] { parts.append("\(key)=\(value)") }
        }
        return parts.joined(separator: " ")
    }

    /// The stream an event belongs to: Asterisk orders events of one channel (or one member, or
    /// one originate) strictly, while different channels run on different threads and interleave
    /// differently from run to run, so only each stream's order is compared.
    static func subject(_ message: AMIMessage) -> String {
        if message.eventName == "OriginateResponse" {
            return "originate " + normalize(message["Channel"]).replacingOccurrences(of: ";1", with: "")
        }
        if let channel = message["Channel"] { return normalize(channel) }
        if let dest = message["DestChannel"] { return normalize(dest) }
        return "member " + (message["Interface"] ?? "?")
    }

    /// Signatures grouped by subject, each group in arrival order.
    static func streams(_ messages: [AMIMessage]) -> [String: [String]] {
        messages.reduce(into: [String: [String]]()) { $0[subject($1), default: []].append(signature($1)) }
    }

    static func captureStreams(_ capture: String) -> [String: [String]] {
        streams(Fixtures.messages(Fixtures.decode(Fixtures.bytes(capture)))
            .filter { $0.eventName.map(callFlowEvents.contains) == true && $0.actionID.map { !$0.hasPrefix("qs") } ?? true })
    }

    /// Starts a simulator with `configuration` and a logged-in client, runs `drive`, and returns
    /// the call-flow events seen until `until` matches one (or, as a safety net on a loaded
    /// machine, 10 s after `drive` returns); without `until`, 300 ms after `drive` returns.
    static func run(_ configuration: SimulatorConfiguration,
                    until: (@Sendable (AMIMessage) -> Bool)? = nil,
                    drive: @escaping @Sendable (AMIClient) async throws -> Void) async throws -> [String: [String]] {
        let pbx = SimulatedPBX(configuration: configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let server = try await SimulatedAMIServer.start(pbx: pbx, logger: ReplayHarness.logger)
        let client = AMIClient(configuration: ReplayHarness.configuration(port: server.port, eventMask: "on"), logger: ReplayHarness.logger)
        let events = client.events()
        let control = client.events()
        let seen = NIOLockedValueBox<[AMIMessage]>([])
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await client.run(); return false }
            group.addTask {
                for await element in events {
                    guard let event = element.event else { continue }
                    if callFlowEvents.contains(event.name) { seen.withLockedValue { $0.append(event.message) } }
                    if until?(event.message) == true { return true }
                }
                return false
            }
            group.addTask {
                _ = try await control.first { $0.isConnected }
                try await drive(client)
                try await Task.sleep(for: until == nil ? .milliseconds(300) : .seconds(10))
                return true
            }
            while let finished = try await group.next() {
                if finished { break }
            }
            group.cancelAll()
        }
        await server.close()
        return streams(seen.withLockedValue { $0 })
    }
}
