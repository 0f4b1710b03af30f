import Demo
import Workflows
import Foundation
import HummingbirdWSClient
import Logging

/// Follows one agent's screen-pops on a running daemon's WebSocket and turns each into a line of
/// text: what `calldesk watch` prints for a PBX admin.
public struct PopWatcher: Sendable {
    public let baseURL: String
    /// An extension, or `me` for the token's own agent.
    public let agent: String
    private let token: String
    private let socketURL: String

    public init(baseURL: String, agent: String, token: String?) throws(WatchError) {
        guard let token, !token.isEmpty else { throw .missingToken }
        guard let base = URL(string: baseURL), let scheme = base.scheme, ["http", "https"].contains(scheme), let host = base.host else {
            throw .badURL(baseURL)
        }
        let path = agent.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? agent
        let port = base.port ?? (scheme == "https" ? 443 : 80)
        self.baseURL = baseURL
        self.agent = agent
        self.token = token
        socketURL = "\(scheme == "https" ? "wss" : "ws")://\(host):\(port)/v1/agents/\(path)/events?token=\(token)"
    }

    /// Hands `line` a greeting once connected, then one line per pop, until the daemon closes the socket.
    public func run(_ line: @escaping @Sendable (String) async -> Void) async throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var logger = Logger(label: "calldesk.watch")
        logger.logLevel = .critical
        let who = agent == "me" ? "you" : agent
        do {
            try await WebSocketClient.connect(url: socketURL, logger: logger) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    if let pop = try? decoder.decode(ScreenPop.self, from: Data(text.utf8)) {
                        await line(PopNarrator.line(pop, agent: who))
                    } else if let hello = try? decoder.decode(Hello.self, from: Data(text.utf8)), hello.event == "hello" {
                        let name = hello.agent.extension.map { "\(hello.agent.name) (\($0))" } ?? hello.agent.name
                        await line("watching \(name)'s screen-pops on \(baseURL); Ctrl-C stops")
                    }
                }
            }
        } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
            throw WatchError.refused(url: baseURL, agent: agent)
        } catch {
            throw WatchError.unreachable(url: baseURL, reason: "\(error)")
        }
    }

    /// The daemon's first message on the socket.
    private struct Hello: Decodable {
        let event: String
        let agent: Agent
        struct Agent: Decodable { let name: String; let `extension`: String? }
    }
}
