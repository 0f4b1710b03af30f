import CRM
import Foundation

/// Plans follow-up calls by lead grade, as a pure function of the leads and the clock: A every
/// week, B every month, C none (the marketing pool). A task falls in working hours on a working day,
/// spread over the days so no rep gets more than their daily capacity; a lead that finds no room
/// within `spreadDays` waits for a later pass (oldest progress first). Each planned task carries a
/// key (lead, grade, last progress) so a second pass, or a second daemon, plans nothing twice, and
/// every new progress (a logged call) opens the way for the next call.
public struct FollowUpPlanner: Sendable {
    /// How often each grade is called; a grade without a cadence gets no personal task.
    public var cadence: [LeadGrade: Duration] = [.a: .seconds(7 * 86_400), .b: .seconds(30 * 86_400)]
    /// Follow-up calls one rep takes a day at most.
    public var dailyCapacity = 25
    /// How many working days ahead a task may be pushed to stay within capacity.
    public var spreadDays = 5
    public var calendar: WorkCalendar

    public init(calendar: WorkCalendar) {
        self.calendar = calendar
    }

    /// A lead as the planner sees it.
    public struct Lead: Sendable, Hashable {
        public let id: Int
        public let customerID: Int
        public let ownerID: Int
        public let grade: LeadGrade
        /// When the lead got its grade.
        public let gradedAt: Date
        /// The last real progress (a logged call, a visit, a change of stage or grade).
        public let lastProgressAt: Date
        /// Whether it already has an open follow-up task.
        public let hasOpenFollowUp: Bool
        /// The customer's time zone, whose working hours the call falls in (`nil`: the centre's).
        public let timeZone: TimeZone?

        public init(id: Int, customerID: Int, ownerID: Int, grade: LeadGrade, gradedAt: Date, lastProgressAt: Date, hasOpenFollowUp: Bool,
                    timeZone: TimeZone? = nil) {
            self.timeZone = timeZone
            self.id = id
            self.customerID = customerID
            self.ownerID = ownerID
            self.grade = grade
            self.gradedAt = gradedAt
            self.lastProgressAt = lastProgressAt
            self.hasOpenFollowUp = hasOpenFollowUp
        }
    }

    /// A follow-up call to create.
    public struct PlannedTask: Sendable, Hashable {
        public let leadID: Int
        public let customerID: Int
        public let ownerID: Int
        public let dueAt: Date
        /// `lead:grade:last progress`: unique, so planning is idempotent.
        public let key: String
    }

    /// The tasks due by `now` plus one cadence that are not planned yet. `booked` is how many tasks
    /// each rep already has per working day (`YYYY-MM-DD`).
    public func plan(_ leads: [Lead], now: Date, booked: [Int: [String: Int]] = [:]) -> [PlannedTask] {
        var load = booked
        // The centre's working days, and those of each other zone a customer lives in (working hours there).
        var local = WorkDays(calendar)
        var elsewhere: [String: WorkDays] = [:]
        var planned: [PlannedTask] = []
        let hours = max(15, (calendar.closes - calendar.opens) * 60)
        func place(_ lead: Lead, every seconds: TimeInterval, _ days: inout WorkDays) -> PlannedTask? {
            // The next call is one cadence after the last progress; a lead left longer is due now.
            let wanted = max(lead.lastProgressAt.addingTimeInterval(seconds), now)
            let candidates = days.workingDays(from: wanted, count: spreadDays)
            var owner = load[lead.ownerID] ?? [:]
            // No room in the rep's next days: a later pass plans it, when calls are made and days pass.
            guard let day = candidates.first(where: { (owner[days.key($0)] ?? 0) < dailyCapacity }) else { return nil }
            let dayKey = days.key(day)
            let taken = owner[dayKey] ?? 0
            owner[dayKey] = taken + 1
            load[lead.ownerID] = owner
            // Spread within the day too: a slot every 15 minutes from the opening.
            let minutes = (taken * 15) % hours
            let due = max(days.nextWorkingTime(from: wanted), days.time(day, second: calendar.opens * 3600 + minutes * 60))
            return PlannedTask(leadID: lead.id, customerID: lead.customerID, ownerID: lead.ownerID, dueAt: due,
                               key: "\(lead.id):\(lead.grade.rawValue):\(Int(lead.lastProgressAt.timeIntervalSince1970))")
        }
        for lead in leads.sorted(by: { ($0.lastProgressAt, $0.id) < ($1.lastProgressAt, $1.id) }) where !lead.hasOpenFollowUp {
            guard let every = cadence[lead.grade] else { continue }
            let seconds = TimeInterval(every.components.seconds)
            if let zone = lead.timeZone, zone.identifier != calendar.timeZone.identifier {
                var zoned = calendar
                zoned.timeZone = zone
                place(lead, every: seconds, &elsewhere[zone.identifier, default: WorkDays(zoned)]).map { planned.append($0) }
            } else {
                place(lead, every: seconds, &local).map { planned.append($0) }
            }
        }
        return planned
    }
}
