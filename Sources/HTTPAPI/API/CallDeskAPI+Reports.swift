import CRM
import Foundation
import OpenAPIRuntime
import Vocabulary
import Workflows

extension CallDeskAPI {
    func getReport(_ input: Operations.GetReport.Input) async throws -> Operations.GetReport.Output {
        let (user, _) = try viewer()
        let period = input.query.period.flatMap { ReportPeriod(rawValue: $0.rawValue) } ?? .day
        var monitor = settings.monitor
        monitor.timeZone = settings.timeZone
        let day = input.query.date ?? Self.day(of: Date(), in: settings.timeZone)
        guard let report = try await CenterReport.build(store: store, period: period, day: day, viewer: user, monitor: monitor) else {
            throw APIError.badParameter("date", day, expected: "a real date like 2026-12-01")
        }
        if input.query.format == .csv {
            return .ok(.init(body: .csv(HTTPBody(Self.csv(report)))))
        }
        return .ok(.init(body: .json(.init(
            period: try schemaValue(report.period), from: report.from, to: report.to, agents: report.agents.map(Components.Schemas.ReportRow.init),
            teams: report.teams.map { Components.Schemas.ReportRow($0, agent: false) }, total: .init(report.total, agent: false),
            inbound: .init(answered: report.inbound.answered, abandoned: report.inbound.abandoned, serviceLevel: report.inbound.serviceLevel,
                           averageSpeedOfAnswer: report.inbound.averageSpeedOfAnswer)))))
    }

    static func day(of date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// The report as a spreadsheet: UTF-8 with a BOM (Excel), one row per agent, then per team, then the total;
    /// a cell that Excel would run as a formula is quoted as text.
    static func csv(_ report: CenterReport) -> [UInt8] {
        let header = ["kind", "name", "team", "calls_made", "calls_made_answered", "inbound_answered", "talk_seconds", "tasks_due", "tasks_done",
                      "tasks_overdue", "tasks_cancelled", "leads_upgraded", "leads_downgraded", "conversions", "callbacks_due", "callbacks_in_time"]
        func cell(_ text: String) -> String {
            let safe = text.first.map { "=+-@\t\r".contains($0) } == true ? "'" + text : text
            return safe.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
        }
        func line(_ kind: String, _ row: AgentReport) -> String {
            ([kind, row.name, row.team ?? ""].map(cell) + [row.callsMade, row.callsMadeAnswered, row.inboundAnswered, row.talkSeconds, row.tasksDue,
                row.tasksDone, row.tasksOverdue, row.tasksCancelled, row.leadsUpgraded, row.leadsDowngraded, row.conversions,
                row.callbacksDue, row.callbacksInTime].map(String.init)).joined(separator: ",")
        }
        let lines = [header.joined(separator: ",")] + report.agents.map { line("agent", $0) } + report.teams.map { line("team", $0) } + [line("total", report.total)]
        return [0xEF, 0xBB, 0xBF] + Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }
}

extension Components.Schemas.ReportRow {
    init(_ row: AgentReport) {
        self.init(row, agent: true)
    }

    init(_ row: AgentReport, agent: Bool) {
        self.init(userId: agent ? Int64(row.userId) : nil, name: row.name, team: row.team, callsMade: row.callsMade, callsMadeAnswered: row.callsMadeAnswered,
                  inboundAnswered: row.inboundAnswered, talkSeconds: row.talkSeconds, tasksDue: row.tasksDue, tasksDone: row.tasksDone,
                  tasksOverdue: row.tasksOverdue, tasksCancelled: row.tasksCancelled, leadsUpgraded: row.leadsUpgraded,
                  leadsDowngraded: row.leadsDowngraded, conversions: row.conversions, callbacksDue: row.callbacksDue, callbacksInTime: row.callbacksInTime)
    }
}
