import ArgumentParser
import CallCenter
import CallDeskKit
import Foundation
import HummingbirdWSClient
import Logging

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print an agent's screen-pops as they arrive (connects to a running daemon's WebSocket).",
        discussion: "A supervisor's or admin's token may watch any extension; an agent's token only their own.")
    @Option(help: "Extension of the agent to watch, or 'me'") var agent = "me"
    @Option(help: "Base URL of the daemon") var url = "http://127.0.0.1:8080"
    @Option(help: "API token (default: $CALLDESK_TOKEN)") var token: String?

    func run() async throws {
        guard let token = token ?? ProcessInfo.processInfo.environment["CALLDESK_TOKEN"], !token.isEmpty else {
            throw CommandFailure("give an API token with --token or CALLDESK_TOKEN (calldesk users add prints one)")
        }
        guard let base = URL(string: url), let scheme = base.scheme, ["http", "https"].contains(scheme), let host = base.host else {
            throw CommandFailure("--url '\(url)' is not an http:// or https:// URL")
        }
        let socket = "\(scheme == "https" ? "wss" : "ws")://\(host):\(base.port ?? (scheme == "https" ? 443 : 80))/v1/agents/\(agent)/events?token=\(token)"
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var logger = Logger(label: "calldesk.watch")
        logger.logLevel = .error
        do {
            try await WebSocketClient.connect(url: socket, logger: logger) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 20) {
                    guard case .text(let text) = message else { continue }
                    if let pop = try? decoder.decode(ScreenPop.self, from: Data(text.utf8)) {
                        Console.line(PopNarrator.line(pop, agent: agent == "me" ? "you" : agent))
                    } else if text.contains("\"hello\"") {
                        Console.line("watching \(agent == "me" ? "your" : "extension \(agent)'s") screen-pops on \(url); Ctrl-C stops")
                    }
                }
            }
        } catch {
            throw CommandFailure("cannot follow \(url): \(error). Is the daemon running, and is the token valid for extension \(agent)?")
        }
    }
}
