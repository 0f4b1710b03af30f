import CRM
import Foundation
import Vocabulary

/// Plans insurance renewal calls, win-back calls and birthday greetings as a pure function of the
/// policies, contacts and the clock. A policy gets a renewal call at each stage before it expires
/// (90, 60, 30 and 7 days by default), priority rising as expiry nears; a lapsed one (within
/// `winBackDays`) one win-back call; a contact whose birthday falls this month one low-priority
/// greeting. Renewals go to the renewal team's least loaded agent (else the customer's owner), the
/// rest to the customer's owner. Keys make each call once.
public struct RenewalPlanner: Sendable, Hashable {
    /// Days before expiry at which a renewal call is due, furthest first.
    public var stages = [90, 60, 30, 7]
    /// How long after expiry a lapsed policy still gets its win-back call.
    public var winBackDays = 30
    public var calendar: WorkCalendar

    public init(calendar: WorkCalendar) {
        self.calendar = calendar
    }

    /// The days (`YYYY-MM-DD`) between which policies matter on `now`'s day.
    public func window(now: Date) -> (from: String, through: String) {
        (calendar.day(of: now.addingTimeInterval(-Double(winBackDays) * 86_400)),
         calendar.day(of: now.addingTimeInterval(Double(stages.max() ?? 90) * 86_400)))
    }

    /// The calls due as of `now`. `renewalAgents` are the renewal team's agents (load counted as assigned).
    public func plan(policies: [RenewalPolicy], birthdays: [BirthdayContact], renewalAgents: [TeamMember], now: Date) -> [CRMStore.PlannedCall] {
        let today = calendar.calendar.startOfDay(for: now)
        let due = calendar.nextWorkingTime(from: now)
        var load = Dictionary(renewalAgents.map { ($0.id, $0.load) }, uniquingKeysWith: { first, _ in first })
        var planned: [CRMStore.PlannedCall] = []
        let ordered = stages.sorted(by: >)
        for policy in policies {
            guard let expiry = date(policy.expiryDate), let left = calendar.calendar.dateComponents([.day], from: today, to: expiry).day else { continue }
            if left < 0 {
                // Its owner wins it back; a pooled customer's, the renewal team's least loaded agent.
                guard -left <= winBackDays,
                      let owner = policy.ownerId ?? load.min(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key else { continue }
                planned.append(.init(kind: .winBack, leadID: nil, customerID: policy.customerId, ownerID: owner, dueAt: due,
                                     key: "win_back:\(policy.id)", priority: 2, policyID: policy.id, note: "保险已脱保 \(policy.expiryDate)，挽回 win-back"))
                continue
            }
            guard let stage = ordered.last(where: { left <= $0 }), let index = ordered.firstIndex(of: stage) else { continue }
            guard let owner = load.min(by: { ($0.value, $0.key) < ($1.value, $1.key) })?.key ?? policy.ownerId else { continue }
            load[owner, default: 0] += 1
            planned.append(.init(kind: .renewal, leadID: nil, customerID: policy.customerId, ownerID: owner, dueAt: due,
                                 key: "renewal:\(policy.id):\(stage)", priority: index + 1, policyID: policy.id,
                                 note: "续保：\(policy.expiryDate) 到期（\(stage) 天提醒）renewal"))
        }
        let year = calendar.calendar.component(.year, from: now)
        for contact in birthdays {
            let monthDay = contact.birthday.dropFirst(5)
            // A greeting is its owner's; a pooled customer gets none.
            guard let birthday = date("\(year)-\(monthDay)"), let owner = contact.ownerId else { continue }
            planned.append(.init(kind: .birthday, leadID: nil, customerID: contact.customerId, ownerID: owner,
                                 dueAt: birthday > now ? calendar.nextWorkingTime(from: birthday) : due, key: "birthday:\(contact.id):\(year)",
                                 priority: 0, note: "生日问候：\(contact.name)（\(monthDay)）birthday"))
        }
        return planned
    }

    /// Midnight of a `YYYY-MM-DD` day in the center's zone.
    private func date(_ day: String) -> Date? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        let components = DateComponents(year: parts[0], month: parts[1], day: parts[2])
        guard let date = calendar.calendar.date(from: components), calendar.day(of: date) == day else { return nil }
        return date
    }
}
