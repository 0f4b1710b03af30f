import Foundation

/// `WorkCalendar` for one planning pass over many leads: days as integers in the center's zone,
/// whether each is worked and its `YYYY-MM-DD` asked of the calendar once. A million leads touch a
/// few hundred days; `Calendar` arithmetic per lead would cost seconds.
struct WorkDays {
    let calendar: WorkCalendar
    private var worked: [Int: Bool] = [:]
    private var keys: [Int: String] = [:]

    init(_ calendar: WorkCalendar) {
        self.calendar = calendar
    }

    /// The zone's day of `date` and the seconds since its midnight.
    func day(of date: Date) -> (index: Int, second: Int) {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + calendar.timeZone.secondsFromGMT(for: date)
        let index = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        return (index, local - index * 86_400)
    }

    /// Midnight of day `index` plus `second`, as a time.
    func time(_ index: Int, second: Int) -> Date {
        let guess = Date(timeIntervalSince1970: TimeInterval(index * 86_400 + second))
        return guess.addingTimeInterval(-TimeInterval(calendar.timeZone.secondsFromGMT(for: guess)))
    }

    mutating func isWorked(_ index: Int) -> Bool {
        if let known = worked[index] { return known }
        let answer = calendar.isWorkingDay(time(index, second: 12 * 3600))
        worked[index] = answer
        return answer
    }

    mutating func key(_ index: Int) -> String {
        if let known = keys[index] { return known }
        let key = calendar.day(of: time(index, second: 12 * 3600))
        keys[index] = key
        return key
    }

    /// `date` if it is in working hours on a working day, else the next opening.
    mutating func nextWorkingTime(from date: Date) -> Date {
        let (today, second) = day(of: date)
        if isWorked(today), second >= calendar.opens * 3600, second < calendar.closes * 3600 { return date }
        var index = isWorked(today) && second < calendar.opens * 3600 ? today : today + 1
        while !isWorked(index) { index += 1 }
        return time(index, second: calendar.opens * 3600)
    }

    /// `count` working days from the one `date` falls in (or the next opening), as day indexes.
    mutating func workingDays(from date: Date, count: Int) -> [Int] {
        var index = day(of: nextWorkingTime(from: date)).index
        var days: [Int] = []
        while days.count < count {
            if isWorked(index) { days.append(index) }
            index += 1
        }
        return days
    }
}
