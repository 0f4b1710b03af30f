import CRM
import Foundation
import Testing
import Workflows

/// Follow-up planning on plain values: the cadence by grade, working hours and days (with China's
/// holidays and make-up working days), reps' daily capacity, and keys that make a second pass plan nothing twice.
@Suite("Follow-up planning by grade")
struct FollowUpPlannerTests {
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    /// National Day 2026: 1–7 October off; Saturday 10 October worked instead (调休).
    static let calendar = WorkCalendar(timeZone: zone, holidays: Set((1...7).map { String(format: "2026-10-%02d", $0) }),
                                       makeUpWorkdays: ["2026-10-10"])

    static func time(_ text: String) -> Date {
        (try? Date(text + "+08:00", strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
    }

    @Test("weekends and holidays are off, a make-up Saturday is on; outside hours a task moves to the next opening")
    func calendar() {
        let calendar = Self.calendar
        #expect(!calendar.isWorkingDay(Self.time("2026-10-05T10:00:00")), "a holiday Monday")
        #expect(calendar.isWorkingDay(Self.time("2026-10-10T10:00:00")), "the make-up Saturday")
        #expect(!calendar.isWorkingDay(Self.time("2026-10-11T10:00:00")), "a plain Sunday")
        #expect(calendar.nextWorkingTime(from: Self.time("2026-09-30T19:00:00")) == Self.time("2026-10-08T09:00:00"))
        #expect(calendar.nextWorkingTime(from: Self.time("2026-10-09T18:30:00")) == Self.time("2026-10-10T09:00:00"))
        #expect(calendar.nextWorkingTime(from: Self.time("2026-10-12T11:15:00")) == Self.time("2026-10-12T11:15:00"))
    }

    @Test("A is called a week after its last progress, B a month after, C never; an open follow-up plans nothing more")
    func cadence() {
        let now = Self.time("2026-11-02T10:00:00")  // a Monday
        let planner = FollowUpPlanner(calendar: Self.calendar)
        func lead(_ id: Int, _ grade: LeadGrade, progressDaysAgo: Double, open: Bool = false) -> FollowUpPlanner.Lead {
            .init(id: id, customerID: id, ownerID: 1, grade: grade, gradedAt: now.addingTimeInterval(-90 * 86_400),
                  lastProgressAt: now.addingTimeInterval(-progressDaysAgo * 86_400), hasOpenFollowUp: open)
        }
        let planned = planner.plan([lead(1, .a, progressDaysAgo: 8), lead(2, .a, progressDaysAgo: 2), lead(3, .b, progressDaysAgo: 10),
                                    lead(4, .c, progressDaysAgo: 60), lead(5, .a, progressDaysAgo: 30, open: true)], now: now)
        let due = Dictionary(uniqueKeysWithValues: planned.map { ($0.leadID, $0.dueAt) })
        #expect(Set(due.keys) == [1, 2, 3])
        #expect(due[1] == now, "overdue: due at once")
        #expect(Self.calendar.day(of: due[2]!) == "2026-11-09", "a week after its last progress")
        #expect(Self.calendar.day(of: due[3]!) == "2026-11-23", "a month after its last progress")
        #expect(planner.plan([lead(1, .a, progressDaysAgo: 8)], now: now).map(\.key) == planned.filter { $0.leadID == 1 }.map(\.key),
                "the same lead in the same period gets the same key: a second pass inserts nothing")
    }

    @Test("forty overdue A leads of one rep are spread: 25 today, 15 the next working day, none on the weekend")
    func capacity() {
        let friday = Self.time("2026-11-06T09:00:00")
        let leads = (1...40).map {
            FollowUpPlanner.Lead(id: $0, customerID: $0, ownerID: 7, grade: .a, gradedAt: friday.addingTimeInterval(-60 * 86_400),
                                 lastProgressAt: friday.addingTimeInterval(-Double(10 + $0) * 86_400), hasOpenFollowUp: false)
        }
        let planned = FollowUpPlanner(calendar: Self.calendar).plan(leads, now: friday)
        let perDay = Dictionary(grouping: planned, by: { Self.calendar.day(of: $0.dueAt) }).mapValues(\.count)
        #expect(perDay == ["2026-11-06": 25, "2026-11-09": 15])
        #expect(planned.allSatisfy { Self.calendar.isWorkingDay($0.dueAt) && Self.calendar.nextWorkingTime(from: $0.dueAt) == $0.dueAt })
        #expect(Set(planned.map(\.key)).count == 40)
    }

    @Test("a customer in another time zone is called in working hours there: a lead due at 10:00 in Shanghai on a Monday falls at 09:00 Monday in Los Angeles")
    func customersZone() throws {
        let now = Self.time("2026-11-02T10:00:00")  // Monday 10:00 in Shanghai, Sunday 18:00 in Los Angeles
        let losAngeles = try #require(TimeZone(identifier: "America/Los_Angeles"))
        let lead = FollowUpPlanner.Lead(id: 1, customerID: 1, ownerID: 1, grade: .a, gradedAt: now.addingTimeInterval(-30 * 86_400),
                                        lastProgressAt: now.addingTimeInterval(-8 * 86_400), hasOpenFollowUp: false, timeZone: losAngeles)
        let local = FollowUpPlanner.Lead(id: 2, customerID: 2, ownerID: 1, grade: .a, gradedAt: now.addingTimeInterval(-30 * 86_400),
                                         lastProgressAt: now.addingTimeInterval(-8 * 86_400), hasOpenFollowUp: false)
        let planned = FollowUpPlanner(calendar: Self.calendar).plan([lead, local], now: now)
        let due = Dictionary(uniqueKeysWithValues: planned.map { ($0.leadID, $0.dueAt) })
        #expect(due[1] == (try Date("2026-11-02T09:00:00-08:00", strategy: .iso8601)), "\(String(describing: due[1]))")
        #expect(due[2] == now)
    }

    @Test("a rep with 200 overdue leads gets 25 a day for the next 5 working days; the other 75 wait, the oldest progress first, for a later pass")
    func capacityFull() {
        let monday = Self.time("2026-11-02T09:00:00")
        let leads = (1...200).map {
            FollowUpPlanner.Lead(id: $0, customerID: $0, ownerID: 7, grade: .a, gradedAt: monday.addingTimeInterval(-90 * 86_400),
                                 lastProgressAt: monday.addingTimeInterval(-Double(300 - $0) * 86_400), hasOpenFollowUp: false)
        }
        let planner = FollowUpPlanner(calendar: Self.calendar)
        let planned = planner.plan(leads, now: monday)
        #expect(planned.count == 125)
        let perDay = Dictionary(grouping: planned, by: { Self.calendar.day(of: $0.dueAt) }).mapValues(\.count)
        #expect(perDay.values.allSatisfy { $0 == 25 } && perDay.count == 5, "\(perDay)")
        #expect(Set(planned.map(\.leadID)) == Set(1...125), "the longest waiting first")
        // A week on, last week's days are behind: the next pass plans the other 75.
        let nextMonday = monday.addingTimeInterval(7 * 86_400)
        let booked = [7: Dictionary(grouping: planned.filter { $0.dueAt >= nextMonday }, by: { Self.calendar.day(of: $0.dueAt) }).mapValues(\.count)]
        let later = planner.plan(leads.filter { $0.id > 125 }, now: nextMonday, booked: booked)
        #expect(later.count == 75 && later.allSatisfy { $0.dueAt >= nextMonday })
    }
}
