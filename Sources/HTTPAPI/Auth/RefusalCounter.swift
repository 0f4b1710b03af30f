import Metrics

/// Counts refused tokens and failed logins by reason (`calldesk_auth_refusals_total`).
struct RefusalCounter: Sendable {
    func refused(reason: String) {
        Counter(label: "calldesk_auth_refusals_total", dimensions: [("reason", reason)]).increment()
    }
}
