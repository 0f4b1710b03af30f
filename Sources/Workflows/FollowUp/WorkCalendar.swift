import Foundation

/// When a call center works: working hours in its time zone, no weekends or public holidays, and
/// China's make-up working days (调休), when a Saturday or Sunday is a working day.
public struct WorkCalendar: Sendable, Hashable {
    public var timeZone: TimeZone
    /// Working hours, as hours of the day: from `opens` to `closes`.
    public var opens: Int
    public var closes: Int
    /// Public holidays (`YYYY-MM-DD`), weekdays or not.
    public var holidays: Set<String>
    /// Weekend days that are working days (调休), `YYYY-MM-DD`.
    public var makeUpWorkdays: Set<String>

    public init(timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current, opens: Int = 9, closes: Int = 18,
                holidays: Set<String> = [], makeUpWorkdays: Set<String> = []) {
        self.timeZone = timeZone
        self.opens = opens
        self.closes = closes
        self.holidays = holidays
        self.makeUpWorkdays = makeUpWorkdays
    }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// `YYYY-MM-DD` of `date` in the center's zone.
    public func day(of date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// Whether the day of `date` is worked.
    public func isWorkingDay(_ date: Date) -> Bool {
        let key = day(of: date)
        if makeUpWorkdays.contains(key) { return true }
        if holidays.contains(key) { return false }
        let weekday = calendar.component(.weekday, from: date)
        return weekday != 1 && weekday != 7
    }

    /// `date` if it falls in working hours on a working day, else the next opening.
    public func nextWorkingTime(from date: Date) -> Date {
        var day = calendar.startOfDay(for: date)
        for _ in 0..<400 {
            if isWorkingDay(day) {
                let open = calendar.date(byAdding: .hour, value: opens, to: day) ?? day
                let close = calendar.date(byAdding: .hour, value: closes, to: day) ?? day
                if date < open { return open }
                if date < close { return date }
            }
            day = calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400)
        }
        return date
    }

    /// The working days from the one of `date` on, first to last, `count` of them.
    public func workingDays(from date: Date, count: Int) -> [Date] {
        var days: [Date] = []
        var day = calendar.startOfDay(for: nextWorkingTime(from: date))
        while days.count < count {
            if isWorkingDay(day) { days.append(day) }
            day = calendar.date(byAdding: .day, value: 1, to: day) ?? day.addingTimeInterval(86_400)
        }
        return days
    }

    /// `hour` o'clock on `day`.
    func at(hour: Int, minute: Int = 0, on day: Date) -> Date {
        calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day) ?? day
    }
}
