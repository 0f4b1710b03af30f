import ArgumentParser
import App
import Foundation

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Print an agent's screen-pops as they arrive (connects to a running daemon's WebSocket).",
        discussion: "A supervisor's or admin's token may watch any extension; an agent's token only their own.")
    @Option(help: "Extension of the agent to watch, or 'me'") var agent = "me"
    @Option(help: "Base URL of the daemon") var url = "http://127.0.0.1:8080"
    @Option(help: "API token (default: $CALLDESK_TOKEN)") var token: String?

    func run() async throws {
        do {
            let watcher = try PopWatcher(baseURL: url, agent: agent, token: token ?? ProcessInfo.processInfo.environment["CALLDESK_TOKEN"])
            try await watcher.run { Console.line($0) }
        } catch let error as WatchError {
            throw CommandFailure(error.description)
        }
    }
}
