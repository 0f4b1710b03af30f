import Foundation

/// A date or time parameter: `2026-11-22` (midnight in the call center's zone) or a full ISO 8601 time.
/// A day that does not exist (`2026-02-31`) is refused, not rolled over into March.
struct DateParameter: Sendable {
    let timeZone: TimeZone

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    func parse(_ name: String, _ raw: String) throws -> Date {
        if let date = try? Date(raw, strategy: .iso8601) { return date }
        let parts = raw.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
           let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
           let date = calendar.date(from: DateComponents(year: year, month: month, day: day)) {
            let back = calendar.dateComponents([.year, .month, .day], from: date)
            if back.year == year, back.month == month, back.day == day { return date }
        }
        throw APIError.badParameter(name, raw, expected: "a date like 2026-11-22 or a time like 2026-11-22T09:30:00+08:00")
    }

    /// Midnight at the end of `date`'s day in the call center's zone.
    func startOfNextDay(after date: Date) -> Date {
        let start = calendar.startOfDay(for: date)
        return calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400)
    }
}
