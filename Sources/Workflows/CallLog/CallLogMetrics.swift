import PBXMonitor
import Vocabulary
import Foundation
import Metrics

/// One PBX's call-log figures for monitoring (swift-metrics, dimension `pbx`): calls live and
/// ended by direction and result, calls closed without their hangup seen, screen-pops and how
/// long each took from the AMI event's arrival, lookups held, and the writer's backlog and failures.
struct CallLogMetrics: Sendable {
    let liveCalls: Gauge
    let closedBlind: Counter
    let pops: Counter
    /// From the `AgentCalled`/`DialBegin` event's arrival to the card handed to the agent's connections.
    let popLatency: CoreMetrics.Timer
    let lookupsHeld: Gauge
    let writeBacklog: Gauge
    let writeFailures: Counter
    /// Writes the database refused for good, set aside with their reason.
    let writesSetAside: Counter
    private let ended: [String: Counter]

    init(pbx: String, factory: any MetricsFactory) {
        let dimensions = [("pbx", pbx)]
        liveCalls = Gauge(label: "calldesk_calls_live", dimensions: dimensions, factory: factory)
        closedBlind = Counter(label: "calldesk_calls_closed_blind_total", dimensions: dimensions, factory: factory)
        pops = Counter(label: "calldesk_screen_pops_total", dimensions: dimensions, factory: factory)
        popLatency = CoreMetrics.Timer(label: "calldesk_screen_pop_seconds", dimensions: dimensions, factory: factory)
        lookupsHeld = Gauge(label: "calldesk_caller_lookups_held", dimensions: dimensions, factory: factory)
        writeBacklog = Gauge(label: "calldesk_call_log_backlog", dimensions: dimensions, factory: factory)
        writeFailures = Counter(label: "calldesk_call_log_write_failures_total", dimensions: dimensions, factory: factory)
        writesSetAside = Counter(label: "calldesk_call_log_writes_set_aside_total", dimensions: dimensions, factory: factory)
        var ended: [String: Counter] = [:]
        for direction in CallDirection.allCases {
            for result in CallResult.allCases {
                ended["\(direction.rawValue)/\(result.rawValue)"] = Counter(
                    label: "calldesk_calls_ended_total",
                    dimensions: dimensions + [("direction", direction.rawValue), ("result", result.rawValue)], factory: factory)
            }
        }
        self.ended = ended
    }

    /// Counts a finished call under its direction and result.
    func callEnded(direction: CallDirection, result: CallResult) {
        ended["\(direction.rawValue)/\(result.rawValue)"]?.increment()
    }
}
