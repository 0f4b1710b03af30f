import CRM
import Foundation
import Vocabulary

/// A queue's figures for today, from CallDesk's call log.
public struct QueueFigures: Sendable, Hashable, Codable {
    public var answered = 0
    public var abandoned = 0
    /// Abandoned within the short-abandon time: left out of the service level.
    public var shortAbandoned = 0
    public var answeredInTime = 0
    public var abandonedLate = 0
    /// answered within the threshold ÷ (answered + abandoned after the threshold); `nil` before any such call.
    public var serviceLevel: Double?
    /// Average speed of answer, seconds.
    public var averageSpeedOfAnswer: Double?
    /// Average talk of answered calls, seconds.
    public var averageHandleTime: Double?
    /// The threshold and short-abandon time, in seconds, and how the figure is made.
    public var thresholdSeconds: Int
    public var shortAbandonSeconds: Int
    public var formula = "answered within threshold ÷ (answered + abandoned after threshold); abandoned within short-abandon time left out"

    public init(rows: [QueueDayRow], rules: MonitorConfiguration.ServiceLevel) {
        let threshold = Int(rules.threshold.components.seconds), short = Int(rules.shortAbandon.components.seconds)
        thresholdSeconds = threshold
        shortAbandonSeconds = short
        var waited = 0, talked = 0
        for row in rows {
            switch row.result {
            case .answered:
                answered += row.calls
                waited += row.holdTime * row.calls
                talked += row.talkTime
                if row.holdTime <= threshold { answeredInTime += row.calls }
            case .abandoned:
                abandoned += row.calls
                if row.holdTime < short { shortAbandoned += row.calls } else if row.holdTime > threshold { abandonedLate += row.calls }
            default:
                continue
            }
        }
        let base = answered + abandonedLate
        serviceLevel = base > 0 ? Double(answeredInTime) / Double(base) : nil
        averageSpeedOfAnswer = answered > 0 ? Double(waited) / Double(answered) : nil
        averageHandleTime = answered > 0 ? Double(talked) / Double(answered) : nil
    }

    /// Today's rows of every queue, as figures per queue.
    public static func byQueue(_ rows: [QueueDayRow], configuration: MonitorConfiguration) -> [String: QueueFigures] {
        Dictionary(grouping: rows, by: \.queue).mapValues { QueueFigures(rows: $0, rules: configuration.serviceLevel(of: $0[0].queue)) }
    }
}
