import Configuration
import Workflows

extension CallDeskConfig {
    /// The `monitor.*` keys: pause codes, service-level rules (per queue too), queue teams, console login, board pacing.
    static func monitorSettings(_ config: ConfigReader) throws -> MonitorConfiguration {
        var monitor = MonitorConfiguration()
        monitor.consoleLoginTeams = Set(config.stringArray(forKey: "monitor.console_login_teams", default: []))
        monitor.queueTeams = try Self.queueTeams(config.stringArray(forKey: "monitor.queue_teams", default: []))
        let codes = config.stringArray(forKey: "monitor.pause_codes", default: [])
        if !codes.isEmpty { monitor.pauseCodes = try codes.map(Self.pauseCode) }
        let threshold = config.string(forKey: "monitor.service_level_seconds") ?? "20"
        let shortAbandon = config.string(forKey: "monitor.short_abandon_seconds") ?? "5"
        guard let thresholdSeconds = Int(threshold), (1...600).contains(thresholdSeconds) else {
            throw ConfigError(key: "monitor.service_level_seconds", value: threshold, allowed: "seconds from 1 to 600")
        }
        guard let shortSeconds = Int(shortAbandon), (0...120).contains(shortSeconds) else {
            throw ConfigError(key: "monitor.short_abandon_seconds", value: shortAbandon, allowed: "seconds from 0 to 120")
        }
        monitor.serviceLevel = .init(threshold: .seconds(thresholdSeconds), shortAbandon: .seconds(shortSeconds))
        let grace = config.string(forKey: "monitor.console_grace_seconds") ?? "120"
        guard let graceSeconds = Int(grace), (0...86_400).contains(graceSeconds) else {
            throw ConfigError(key: "monitor.console_grace_seconds", value: grace, allowed: "seconds from 0 to 86400")
        }
        monitor.consoleGrace = .seconds(graceSeconds)
        let boardPace = config.string(forKey: "monitor.queue_board_ms") ?? "100"
        guard let boardMilliseconds = Int(boardPace), (0...5_000).contains(boardMilliseconds) else {
            throw ConfigError(key: "monitor.queue_board_ms", value: boardPace, allowed: "milliseconds from 0 (every change) to 5000")
        }
        monitor.queueBoardInterval = .milliseconds(boardMilliseconds)
        monitor.memberInterface = config.string(forKey: "monitor.member_interface", default: monitor.memberInterface)
        guard monitor.memberInterface.contains("{extension}") else {
            throw ConfigError(key: "monitor.member_interface", value: monitor.memberInterface, allowed: "an interface with {extension}, e.g. PJSIP/{extension}")
        }
        for entry in config.stringArray(forKey: "monitor.queue_service_levels", default: []) {
            let (queue, rules) = try queueServiceLevel(entry)
            monitor.queueServiceLevels[queue] = rules
        }
        return monitor
    }

    /// `queue:threshold[:short_abandon]` in seconds, e.g. `vip:10:3`.
    private static func queueServiceLevel(_ text: String) throws -> (String, MonitorConfiguration.ServiceLevel) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (2...3).contains(parts.count), !parts[0].isEmpty, let threshold = Int(parts[1]), (1...600).contains(threshold),
              parts.count == 2 || Int(parts[2]).map({ (0...120).contains($0) }) == true else {
            throw ConfigError(key: "monitor.queue_service_levels", value: text,
                              allowed: "queue:threshold_seconds or queue:threshold_seconds:short_abandon_seconds, e.g. vip:10:3")
        }
        return (parts[0], .init(threshold: .seconds(threshold), shortAbandon: .seconds(parts.count == 3 ? Int(parts[2]) ?? 5 : 5)))
    }

    /// `queue:team` pairs: each queue belongs to one team.
    private static func queueTeams(_ pairs: [String]) throws -> QueueTeams {
        var assigned: [String: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, assigned[parts[0]] == nil else {
                throw ConfigError(key: "monitor.queue_teams", value: pair, allowed: "queue:team, each queue once, e.g. vip:hotline")
            }
            assigned[parts[0]] = parts[1]
        }
        return QueueTeams(assigned)
    }

    private static func pauseCode(_ text: String) throws -> MonitorConfiguration.PauseCode {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), !parts[0].isEmpty, parts[0].count <= 40,
              parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), !parts[1].isEmpty,
              parts.count == 2 || Int(parts[2]).map({ $0 > 0 }) == true else {
            throw ConfigError(key: "monitor.pause_codes", value: text, allowed: "code:label or code:label:limit_seconds, e.g. lunch:午餐:3600")
        }
        return .init(code: parts[0], label: parts[1], limitSeconds: parts.count == 3 ? Int(parts[2]) : nil)
    }
}
