import AMI
import Foundation
import Telephony

/// One-click dial from the console: Originate rings the agent's phone first, then the customer,
/// with the task's id on the call (`CALLDESK_TASK`) so the call log ties the two together.
public struct ClickToDial: Sendable {
    /// How the PBX reaches an agent's phone and the outside world.
    public struct Configuration: Sendable, Hashable {
        /// The agent's leg (`{extension}` is replaced), e.g. `Local/{extension}@calldesk-agents`.
        public var agentChannel: String
        /// The dialplan context that calls customers, e.g. `calldesk-campaign`.
        public var customerContext: String
        /// Seconds the agent's phone rings before the attempt is given up.
        public var ringSeconds: Int

        public init(agentChannel: String = "Local/{extension}@agents", customerContext: String = "customers", ringSeconds: Int = 30) {
            self.agentChannel = agentChannel
            self.customerContext = customerContext
            self.ringSeconds = ringSeconds
        }
    }

    let ami: AMIClient
    let configuration: Configuration

    public init(ami: AMIClient, configuration: Configuration = Configuration()) {
        self.ami = ami
        self.configuration = configuration
    }

    public var pbx: String { ami.pbx }

    /// Rings `agentExtension`, then dials `number` (E.164); returns the action's id once the PBX took it.
    public func dial(agentExtension: String, number: PhoneNumber, taskID: Int?) async throws -> String {
        let dialled = Self.dialString(number)
        var headers = [
            ("Channel", configuration.agentChannel.replacingOccurrences(of: "{extension}", with: agentExtension)),
            ("Context", configuration.customerContext), ("Exten", dialled), ("Priority", "1"),
            // On every channel of the call, in call-class events (VarSet is dialplan-class, which CallDesk does not
            // subscribe to): the call tracker reads the task and the customer's number from it, also after a reconnect.
            ("Account", "calldesk:\(taskID.map(String.init) ?? "-"):\(dialled)"),
            ("CallerID", "\"CallDesk\" <\(agentExtension)>"), ("Timeout", "\(configuration.ringSeconds * 1000)"), ("Async", "true"),
        ]
        if let taskID { headers.append(("Variable", "CALLDESK_TASK=\(taskID)")) }
        let response = try await ami.send(AMIAction("Originate", headers: headers))
        return response.actionID
    }

    /// What a PBX in China dials for an E.164 number: mobiles as they are, landlines with the trunk
    /// prefix 0, numbers abroad with 00.
    static func dialString(_ number: PhoneNumber) -> String {
        let digits = String(number.e164.drop { $0 == "+" })
        guard digits.hasPrefix("86") else { return "00" + digits }
        let national = String(digits.dropFirst(2))
        return number.kind == .mobile || number.kind == .service ? national : "0" + national
    }
}
