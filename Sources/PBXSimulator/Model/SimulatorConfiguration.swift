/// What the simulated PBX knows: AMI users, queues, how agents behave and how customers answer.
///
/// `standard` mirrors the Asterisk that recorded `shared/asterisk-captures` (users `crmd` and
/// `readonly`, queue `hotline` with Agent1001/Agent1002 on `Local/100x@agents/n`, contexts
/// `inbound`, `agents`, `customers`, `hold`), so a client written against that Asterisk works here.
public struct SimulatorConfiguration: Sendable {
    /// An AMI login: its secret and whether it may send actions that change anything.
    public struct User: Sendable {
        public var secret: String
        public var canWrite: Bool

        public init(secret: String, canWrite: Bool) {
            self.secret = secret
            self.canWrite = canWrite
        }
    }

    /// A queue and its static members (interface, member name).
    public struct Queue: Sendable {
        public var name: String
        public var strategy: String
        public var ringTimeout: Double
        public var retry: Double
        public var members: [(interface: String, name: String)]

        public init(name: String, strategy: String = "ringall", ringTimeout: Double = 15, retry: Double = 1,
                    members: [(interface: String, name: String)]) {
            self.name = name
            self.strategy = strategy
            self.ringTimeout = ringTimeout
            self.retry = retry
            self.members = members
        }
    }

    /// How an agent's device reacts when a queue rings it.
    public enum AgentBehaviour: Sendable, Hashable {
        /// Answers after `after` seconds and hangs up after talking `talk` seconds.
        case answers(after: Double, talk: Double)
        /// Never answers (the queue gets AgentRingNoAnswer).
        case neverAnswers
    }

    /// How a dialled customer number reacts.
    public enum Outcome: Sendable, Hashable {
        /// Answers after `after` seconds, hangs up after `talk` seconds.
        case answer(after: Double, talk: Double)
        case busy
        case congestion
        /// Rings until the originate timeout.
        case noAnswer
        /// The channel cannot be created (bad number, no route).
        case failed
    }

    public var users: [String: User]
    /// ARI users (ari.conf) and their passwords.
    public var ariUsers: [String: String] = ["crmd": "crmd-secret"]
    public var queues: [Queue]
    /// Behaviour by agent extension (`1001`); others use `defaultAgent`.
    public var agents: [String: AgentBehaviour]
    public var defaultAgent: AgentBehaviour
    /// Customer numbers with a fixed outcome (`555` busy, …); others use `defaultCustomer`.
    public var customers: [String: Outcome]
    public var defaultCustomer: Outcome
    /// Multiplies every delay: 1 is real time, 0.01 runs a 3 s call in 30 ms.
    public var timeScale: Double
    /// Seconds `Queue()` waits for an answer before the caller continues the dialplan (and hangs up).
    public var queueWait: Double
    /// Seconds a caller whose queue wait ran out spends leaving a voicemail (CallDesk's dialplan);
    /// `nil` hangs up at once (the captures' dialplan).
    public var voicemailAfterQueue: Double? = nil
    /// Seconds `Answer()` on an inbound call waits for the caller's first media frame before the
    /// dialplan goes on to `Queue()`. Asterisk waits up to 0.5 s (the captures show that gap between
    /// the inbound channel and `QueueCallerJoin`); a SIP trunk's media usually comes within tens of ms.
    public var answerMediaWait: Double = 0.5
    /// Spread of agents' talk times: each call talks `talk × uniform(1 − v, 1 + v)` seconds.
    public var talkTimeVariation: Double = 0
    /// Seconds (real time) by which the answers to the first MixMonitor actions are held back, in
    /// order; later ones answer at once. A slow PBX or a storage stall looks like this.
    public var mixMonitorReplyDelays: [Double] = []
    /// Events no AMI session receives, as manager.conf's `eventfilter=!Event: QueueMemberAdded` would hide them.
    public var hiddenEvents: Set<String> = []
    /// The sequence number of the first channel's `Uniqueid` (`<epoch>.<n>`). Asterisk counts from 0 at
    /// its start; one that has run a while gives longer ids (a benchmark of memory wants those from the start).
    public var firstUniqueSequence = 0

    public init(users: [String: User], queues: [Queue], agents: [String: AgentBehaviour] = [:],
                defaultAgent: AgentBehaviour = .answers(after: 0, talk: 3), customers: [String: Outcome] = [:],
                defaultCustomer: Outcome = .answer(after: 0, talk: 2), timeScale: Double = 1, queueWait: Double = 60) {
        self.users = users
        self.queues = queues
        self.agents = agents
        self.defaultAgent = defaultAgent
        self.customers = customers
        self.defaultCustomer = defaultCustomer
        self.timeScale = timeScale
        self.queueWait = queueWait
    }

    /// The captures' Asterisk with `agents` hotline members `Local/1001…@agents/n` (Agent1001, …).
    public static func callCenter(agents: Int, answerAfter: Double = 2, talk: Double = 60) -> SimulatorConfiguration {
        var configuration = standard
        let members = (0..<max(1, agents)).map { ("Local/\(1001 + $0)@agents/n", "Agent\(1001 + $0)") }
        configuration.queues = [Queue(name: "hotline", members: members)]
        configuration.defaultAgent = .answers(after: answerAfter, talk: talk)
        configuration.agents = [:]
        configuration.talkTimeVariation = 0.5
        return configuration
    }

    /// The Asterisk of the captures.
    public static var standard: SimulatorConfiguration {
        SimulatorConfiguration(
            users: ["crmd": User(secret: "crmd-secret", canWrite: true), "readonly": User(secret: "ro-secret", canWrite: false)],
            queues: [
                Queue(name: "hotline", members: [("Local/1001@agents/n", "Agent1001"), ("Local/1002@agents/n", "Agent1002")]),
                Queue(name: "renewal", strategy: "rrmemory", members: [("Local/1002@agents/n", "Agent1002")]),
            ],
            agents: ["1009": .neverAnswers],
            customers: ["555": .busy, "556": .congestion, "557": .noAnswer]
        )
    }
}
