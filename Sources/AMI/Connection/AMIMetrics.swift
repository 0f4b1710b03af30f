import Metrics

/// One PBX link's figures for monitoring (swift-metrics, dimension `pbx`): whether it is logged in,
/// logins, events received and lost to slow consumers, and protocol errors.
struct AMIMetrics: Sendable {
    let connected: Gauge
    let logins: Counter
    let events: Counter
    let eventsDropped: Counter
    let protocolErrors: Counter

    init(pbx: String, factory: any MetricsFactory) {
        let dimensions = [("pbx", pbx)]
        connected = Gauge(label: "calldesk_ami_connected", dimensions: dimensions, factory: factory)
        logins = Counter(label: "calldesk_ami_logins_total", dimensions: dimensions, factory: factory)
        events = Counter(label: "calldesk_ami_events_total", dimensions: dimensions, factory: factory)
        eventsDropped = Counter(label: "calldesk_ami_events_dropped_total", dimensions: dimensions, factory: factory)
        protocolErrors = Counter(label: "calldesk_ami_protocol_errors_total", dimensions: dimensions, factory: factory)
    }
}
