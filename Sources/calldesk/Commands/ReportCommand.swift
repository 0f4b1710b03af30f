import ArgumentParser
import CRM
import Foundation
import Vocabulary
import Workflows

/// `calldesk report daily|weekly|monthly [--date …]`: the center's report in the terminal, every agent.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Print the center's report for a day, a week or a month.",
                                                    subcommands: [Daily.self, Weekly.self, Monthly.self])

    struct Daily: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "daily", abstract: "One day's report (default today).")
        @OptionGroup var options: ReportOptions
        func run() async throws { try await options.print(.day) }
    }

    struct Weekly: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "weekly", abstract: "The week (Monday to Sunday) holding the date.")
        @OptionGroup var options: ReportOptions
        func run() async throws { try await options.print(.week) }
    }

    struct Monthly: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "monthly", abstract: "The calendar month holding the date.")
        @OptionGroup var options: ReportOptions
        func run() async throws { try await options.print(.month) }
    }
}

/// What every report command takes.
struct ReportOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Option(help: "A day in the period, YYYY-MM-DD in the center's time zone (default today)") var date: String?

    func print(_ period: ReportPeriod) async throws {
        let config = try await global.load()
        var monitor = config.monitor
        monitor.timeZone = config.timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = config.timeZone
        let today = calendar.dateComponents([.year, .month, .day], from: Date())
        let day = date ?? String(format: "%04d-%02d-%02d", today.year ?? 0, today.month ?? 0, today.day ?? 0)
        let store = try await global.openStore(config)
        let operator_ = User(id: 0, name: "calldesk report", role: .admin, extension: nil, teamID: nil, seniority: 0)
        let report: CenterReport?
        do {
            report = try await CenterReport.build(store: store, period: period, day: day, viewer: operator_, monitor: monitor)
            await store.close()
        } catch {
            await store.close()
            throw CommandFailure("\(error)")
        }
        guard let report else { throw ValidationError("--date '\(day)' is not a real date like 2026-12-01") }
        for line in Self.table(report, period: period, day: day) { Console.line(line) }
    }

    /// The report as aligned text: one line per agent, per team and the total, then the queues.
    static func table(_ report: CenterReport, period: ReportPeriod, day: String) -> [String] {
        func pad(_ text: String, _ width: Int) -> String {
            // CJK characters take two columns in a terminal.
            let columns = text.reduce(0) { $0 + ($1.unicodeScalars.first.map { $0.value >= 0x2E80 } == true ? 2 : 1) }
            return text + String(repeating: " ", count: max(1, width - columns))
        }
        let header = pad("", 16) + ["made", "answered", "inbound", "talk", "due", "done", "overdue", "cancelled", "up", "down", "won", "callbacks"]
            .map { pad($0, 10) }.joined()
        func line(_ row: AgentReport) -> String {
            let talk = String(format: "%d:%02d:%02d", row.talkSeconds / 3600, row.talkSeconds / 60 % 60, row.talkSeconds % 60)
            return pad(row.name, 16) + ["\(row.callsMade)", "\(row.callsMadeAnswered)", "\(row.inboundAnswered)", talk, "\(row.tasksDue)",
                                        "\(row.tasksDone)", "\(row.tasksOverdue)", "\(row.tasksCancelled)", "\(row.leadsUpgraded)",
                                        "\(row.leadsDowngraded)", "\(row.conversions)", "\(row.callbacksInTime)/\(row.callbacksDue)"].map { pad($0, 10) }.joined()
        }
        let level = report.inbound.serviceLevel.map { String(format: "%.0f%%", $0 * 100) } ?? "—"
        return ["\(period.rawValue) report holding \(day) (\(ISO8601DateFormatter().string(from: report.from)) to \(ISO8601DateFormatter().string(from: report.to)))",
                header] + report.agents.map(line) + ["— teams —"] + report.teams.map(line) + [line(report.total),
                "queues: answered \(report.inbound.answered), abandoned \(report.inbound.abandoned), service level \(level)"]
    }
}
