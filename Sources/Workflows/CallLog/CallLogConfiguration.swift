import PBXMonitor
import Vocabulary
import Foundation

/// How the call log behaves: dialplan contexts, callbacks for missed calls, and recording.
public struct CallLogConfiguration: Sendable {
    public var tracker: CallTrackerConfiguration
    /// A missed inbound call's callback task is due this long after the call ended.
    public var callbackDelay: Duration
    /// Which team gets callbacks for unknown callers: the team a queue belongs to.
    public var queueTeams: QueueTeams
    /// Team for unknown callers who never reached a queue.
    public var defaultCallbackTeam: String
    /// Start MixMonitor on answer, writing here (a directory on the PBX); `nil` records nothing.
    public var recordingDirectory: String?
    /// File format (extension) of recordings.
    public var recordingFormat: String
    /// How often the list of agents (extensions, device patterns) is re-read from the CRM.
    public var agentRefreshInterval: Duration
    /// How long a pop waits for its caller's lookup before it goes out without the cards.
    public var popHoldLimit: Duration = .seconds(2)
    /// How long a call's final write waits for its lookup and recording (longer than an AMI action's timeout).
    public var finalHoldLimit: Duration = .seconds(15)
    /// How often held pops and writes are checked against their limits.
    public var tickInterval: Duration = .milliseconds(250)
    /// Where the call log journals the writes the database cannot take (see `CallLogJournal`); `nil`: no journal.
    public var journalDirectory: String?

    public init(tracker: CallTrackerConfiguration = CallTrackerConfiguration(), callbackDelay: Duration = .seconds(30 * 60),
                queueTeams: QueueTeams = QueueTeams(), defaultCallbackTeam: String = "hotline",
                recordingDirectory: String? = nil, recordingFormat: String = "wav", agentRefreshInterval: Duration = .seconds(60),
                journalDirectory: String? = nil) {
        self.journalDirectory = journalDirectory
        self.tracker = tracker
        self.callbackDelay = callbackDelay
        self.queueTeams = queueTeams
        self.defaultCallbackTeam = defaultCallbackTeam
        self.recordingDirectory = recordingDirectory
        self.recordingFormat = recordingFormat
        self.agentRefreshInterval = agentRefreshInterval
    }

    /// The recording file of a call: derived from the PBX and call id, so a retry names the same file.
    public func recordingPath(pbx: String, linkedID: String) -> String? {
        recordingDirectory.map { "\($0)/\(pbx)-\(linkedID).\(recordingFormat)" }
    }

    func callbackTeam(queue: String?) -> String {
        guard let queue else { return defaultCallbackTeam }
        return queueTeams.team(of: queue)
    }
}
