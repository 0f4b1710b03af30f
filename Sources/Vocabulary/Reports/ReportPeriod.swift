/// How long a report covers: a day, a week (Monday to Sunday) or a calendar month.
public enum ReportPeriod: String, Sendable, Hashable, Codable, CaseIterable {
    case day, week, month
}
