/// Asterisk's answer to one action: the response message and, for list actions, the collected items.
public struct AMIResponse: Sendable, Hashable {
    public let pbx: String
    public let actionID: String
    public let message: AMIMessage
    /// Items of a list action (`QueueMember`, `CoreShowChannel`, …), without the closing `…Complete` event.
    public let items: [AMIMessage]
    /// The closing `…Complete` event of a list action (`ListItems:`), if any.
    public let completion: AMIMessage?
}
