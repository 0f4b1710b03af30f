import Foundation
extension SimulatedPBX {
    /// A hotline call as a trunk would bring it: `Local/100@inbound` with the caller's ID; the
    /// caller gives up after `patience` seconds unless an agent answered.
    public func placeInboundCall(callerNumber: String, callerName: String, patience: Double) {
        eventLoop.execute {
            let request = OriginateRequest(
                channel: "Local/100@inbound", context: nil, exten: nil, application: "Wait", data: String(format: "%.3g", patience),
                callerID: (callerNumber, callerName), timeout: 30, variables: [:], actionID: "traffic")
            try? self.originate(request) { _ in }
        }
    }

    /// Counters so far, read on the event loop.
    public func currentStats() async -> Stats {
        (try? await eventLoop.submit { self.stats }.get()) ?? Stats()
    }
}
