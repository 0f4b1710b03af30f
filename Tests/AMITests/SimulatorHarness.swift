import AMI
import Foundation
import NIOPosix
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

    static func captureSignatures(_ capture: String) -> [String] {
        Fixtures.messages(Fixtures.decode(Fixtures.bytes(capture)))
            .filter { $0.eventName.map(callFlowEvents.contains) == true && $0.actionID.map { !$0.hasPrefix("qs") } ?? true }
            .map(signature)
    }

    /// Starts a simulator with `configuration`, a logged-in client, runs `drive`, and returns the
    /// call-flow events seen until `until` matches one.
    static func run(_ configuration: SimulatorConfiguration,
                    until: @escaping @Sendable (AMIMessage) -> Bool,
                    drive: @escaping @Sendable (AMIClient) async throws -> Void) async throws -> [String] {
        let pbx = SimulatedPBX(configuration: configuration, eventLoop: MultiThreadedEventLoopGroup.singleton.next())
        let server = try await SimulatedAMIServer.start(pbx: pbx, logger: ReplayHarness.logger)
        let client = AMIClient(configuration: ReplayHarness.configuration(port: server.port, eventMask: "on"), logger: ReplayHarness.logger)
        let events = client.events()
        let control = client.events()
        let seen = try await withThrowingTaskGroup(of: [String]?.self) { group in
            group.addTask { try await client.run(); return nil }
            group.addTask {
                var seen: [String] = []
                for await element in events {
                    guard let event = element.event else { continue }
                    if callFlowEvents.contains(event.name) { seen.append(signature(event.message)) }
                    if until(event.message) { return seen }
                }
                return seen
            }
            group.addTask {
                _ = try await control.first { $0.isConnected }
                try await drive(client)
                try await Task.sleep(for: .seconds(10))
                throw TimedOut()
            }
            var result: [String] = []
            while let next = try await group.next() {
                if let next { result = next; break }
            }
            group.cancelAll()
            return result
        }
        await server.close()
        return seen
    }
}
