import Foundation

/// How the live monitor reads the queues: service-level thresholds (per queue where set), pause
/// codes, and how often it re-reads today's figures.
public struct MonitorConfiguration: Sendable {
    /// A queue's service-level rules: answered within `threshold` counts as in time; callers who
    /// hung up within `shortAbandon` are left out of the figure.
    public struct ServiceLevel: Sendable, Hashable {
        public var threshold: Duration
        public var shortAbandon: Duration

        public init(threshold: Duration = .seconds(20), shortAbandon: Duration = .seconds(5)) {
            self.threshold = threshold
            self.shortAbandon = shortAbandon
        }
    }

    /// A reason an agent may pause for, with an optional time limit past which the wallboard flags it.
    public struct PauseCode: Sendable, Hashable, Codable {
        public var code: String
        public var label: String
        /// Seconds, or `nil` for no limit.
        public var limitSeconds: Int?

        public init(code: String, label: String, limitSeconds: Int? = nil) {
            self.code = code
            self.label = label
            self.limitSeconds = limitSeconds
        }
    }

    public var serviceLevel = ServiceLevel()
    /// Rules of single queues, by queue name.
    public var queueServiceLevels: [String: ServiceLevel] = [:]
    public var pauseCodes: [PauseCode] = [
        PauseCode(code: "lunch", label: "午餐", limitSeconds: 3600), PauseCode(code: "training", label: "培训"),
        PauseCode(code: "after_call", label: "话后处理", limitSeconds: 300), PauseCode(code: "meeting", label: "会议", limitSeconds: 3600),
        PauseCode(code: "break", label: "休息", limitSeconds: 900),
    ]
    /// "Today" starts at midnight here.
    public var timeZone: TimeZone = .current
    /// How often today's figures are re-read from the call log.
    public var figuresInterval: Duration = .seconds(5)
    /// How often the queues built from events are checked against Asterisk's `QueueSummary`.
    public var reconcileInterval: Duration = .seconds(30)
    /// How often wrap-ups are checked for their end.
    public var tickInterval: Duration = .seconds(1)
    /// A queue's board goes out at most this often: a busy line changes with every caller, and its
    /// board lists them all (`BoardPacing`).
    public var queueBoardInterval: Duration = .milliseconds(100)
    /// Which team each queue belongs to (a supervisor's wallboard shows their team's queues).
    public var queueTeams = QueueTeams()
    /// Teams whose agents' phones follow their console: opening it adds the phone to each of the team's
    /// queues (`queueTeams`), closing it (or leaving it closed past `consoleGrace`) removes it.
    public var consoleLoginTeams: Set<String> = []
    /// How long a console may stay closed (a reload, a flaky network) before its phone leaves the queue.
    public var consoleGrace: Duration = .seconds(120)
    /// The member interface a queue gets for an agent's phone (`{extension}` is replaced).
    public var memberInterface = "PJSIP/{extension}"

    public init() {}

    /// The rules for `queue`.
    public func serviceLevel(of queue: String) -> ServiceLevel {
        queueServiceLevels[queue] ?? serviceLevel
    }
}
