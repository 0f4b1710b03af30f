/// Which dialplan contexts mean what; defaults cover the captures' and `dialplans/calldesk.conf`.
public struct CallTrackerConfiguration: Sendable {
    public var inboundContexts: Set<String>
    public var outboundContexts: Set<String>
    public var agentContexts: Set<String>

    public init(inboundContexts: Set<String> = ["inbound", "calldesk-inbound", "from-trunk", "from-pstn"],
                outboundContexts: Set<String> = ["customers", "campaign", "calldesk-campaign", "hold"],
                agentContexts: Set<String> = ["agents", "calldesk-agents"]) {
        self.inboundContexts = inboundContexts
        self.outboundContexts = outboundContexts
        self.agentContexts = agentContexts
    }
}
