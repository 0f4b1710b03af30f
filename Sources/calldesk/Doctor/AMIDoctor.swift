import AMI
import Foundation
import Logging

/// Checks one PBX's AMI settings end to end: connect, log in, read version, permissions, queues.
public struct AMIDoctor: Sendable {
    /// What the check found; `failure` is set when it could not get that far.
    public struct Report: Sendable {
        public var pbx: String
        public var endpoint: String
        public var banner: String?
        public var asteriskVersion: String?
        public var amiVersion: String?
        /// Actions this user may send, from `ListCommands` (Asterisk lists only permitted ones).
        public var permittedActions: Set<String> = []
        public var queues: [Queue] = []
        public var failure: String?

        /// A queue and its members as `QueueStatus` reports them.
        public struct Queue: Sendable {
            public var name: String
            public var strategy: String?
            public var members: [(name: String, interface: String, paused: Bool, status: Int?)]
        }

        /// Actions CallDesk needs, each with whether this user may send it.
        public var requiredActions: [(action: String, permitted: Bool)] {
            AMIDoctor.requiredActions.map { ($0, permittedActions.contains($0.lowercased())) }
        }
    }

    static let requiredActions = [
        "Originate", "Redirect", "Hangup", "QueueStatus", "CoreShowChannels", "QueuePause", "QueueAdd", "QueueRemove",
        "MixMonitor", "Setvar", "Getvar", "Filter",
    ]

    public let configuration: AMIClientConfiguration
    public let timeout: Duration
    let logger: Logger

    public init(configuration: AMIClientConfiguration, timeout: Duration = .seconds(10), logger: Logger) {
        self.configuration = configuration
        self.timeout = timeout
        self.logger = logger
    }

    public func run() async -> Report {
        let report = Report(pbx: configuration.pbx, endpoint: "\(configuration.username)@\(configuration.host):\(configuration.port)")
        var quiet = configuration
        quiet.eventMask = "off"
        quiet.authFailureDelay = .seconds(3600)
        let settings = quiet
        let client = AMIClient(configuration: settings, logger: logger)
        let events = client.events()
        let timeout = self.timeout
        return await withTaskGroup(of: Report?.self) { group in
            group.addTask { try? await client.run(); return nil }
            group.addTask {
                try? await Task.sleep(for: timeout)
                var timedOut = report
                timedOut.failure = "timeout: no AMI login within \(timeout) at \(settings.host):\(settings.port)"
                return timedOut
            }
            group.addTask {
                for await element in events {
                    switch element {
                    case .connected:
                        return await inspect(client, into: report)
                    case .connectionFailed(_, let error):
                        var failed = report
                        failed.failure = error.description
                        return failed
                    default:
                        continue
                    }
                }
                return nil
            }
            var result = report
            for await outcome in group {
                if let outcome { result = outcome; break }
            }
            group.cancelAll()
            return result
        }
    }

    private func inspect(_ client: AMIClient, into report: Report) async -> Report {
        var report = report
        do {
            let settings = try await client.send(AMIAction("CoreSettings"))
            report.asteriskVersion = settings.message["AsteriskVersion"]
            report.amiVersion = settings.message["AMIversion"]
            let commands = try await client.send(AMIAction("ListCommands"))
            let skip: Set<String> = ["response", "actionid", "message"]
            report.permittedActions = Set(commands.message.headers.map { $0.name.lowercased() }.filter { !skip.contains($0) })
            let status = try await client.send(AMIAction("QueueStatus"))
            for item in status.items {
                if let params = item.as(QueueParamsItem.self), let name = params.queue {
                    report.queues.append(.init(name: name, strategy: params.strategy, members: []))
                } else if let member = item.as(QueueMemberItem.self), let index = report.queues.lastIndex(where: { $0.name == member.queue }) {
                    report.queues[index].members.append((member.memberName ?? "?", member.interface ?? "?", member.isPaused, member.status))
                }
            }
        } catch {
            report.failure = "\(error)"
        }
        return report
    }
}
