/// Why `calldesk watch` cannot follow an agent's screen-pops, in words that say what to fix.
public enum WatchError: Error, Equatable, CustomStringConvertible {
    case missingToken
    case badURL(String)
    /// The daemon refused the WebSocket: a wrong token, or one that may not watch this extension.
    case refused(url: String, agent: String)
    case unreachable(url: String, reason: String)

    public var description: String {
        switch self {
        case .missingToken:
            "give an API token with --token or CALLDESK_TOKEN (calldesk users add prints one)"
        case .badURL(let url):
            "--url '\(url)' is not an http:// or https:// URL"
        case .refused(let url, let agent):
            "\(url) refused to show \(agent == "me" ? "your" : "extension \(agent)'s") screen-pops: "
                + "the token is wrong, or it belongs to an agent and the extension is someone else's (a supervisor's token may watch any)"
        case .unreachable(let url, let reason):
            "cannot reach \(url): \(reason). Is the daemon running there?"
        }
    }
}
