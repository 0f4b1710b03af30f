import CRM
import Foundation
import Logging
import ServiceLifecycle
import Vocabulary

/// Follow-up scheduling as a service: a pass on a timer plans the calls every lead is due by its
/// grade (`FollowUpPlanner`) and inserts the new ones, then makes the escalations due (`EscalationPolicy`). A pass is idempotent (each task's key is its
/// lead, grade and last progress), so two passes, or two daemons on one database, never double a task, and
/// a daemon down for a week catches up in one pass. The clock is given, so tests run months in milliseconds.
public struct FollowUpScheduler: Service, Sendable {
    /// What one pass did.
    public struct PassReport: Sendable, CustomStringConvertible {
        public let leads: Int
        public let planned: Int
        public let created: Int
        /// Escalations made, by rule.
        public var escalated: [EscalationRule: Int] = [:]
        /// Renewal, win-back and birthday calls created, by kind.
        public var reminders: [TaskKind: Int] = [:]
        /// Escalations that move a lead or task but found nobody to take it (they wait for the next pass).
        public var waiting = 0
        /// Claimed customers without progress that went back to their pool.
        public var recycled = 0
        /// How long each step of the pass took, in order (for operators and the benchmark).
        public var steps: [(step: String, took: Duration)] = []
        public var description: String {
            let made = escalated.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
            let calls = reminders.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
            return "\(leads) open leads, \(planned) follow-ups due, \(created) new tasks"
                + (leads > planned ? " (\(leads - planned) wait for room in their reps' next days)" : "") + "; reminders: \(calls.isEmpty ? "none" : calls); escalated: \(made.isEmpty ? "none" : made)"
                + (waiting > 0 ? "; \(waiting) waiting for someone to take them" : "")
                + "; back to the pool: \(recycled)"
        }
    }

    let store: CRMStore
    let planner: FollowUpPlanner
    let escalation: EscalationPolicy
    let renewals: RenewalPlanner
    /// The team whose agents make renewal calls.
    let renewalTeam: String
    /// When claimed customers without progress go back to their pool.
    let pools: PoolRules
    let interval: Duration
    let logger: Logger

    public init(store: CRMStore, planner: FollowUpPlanner, escalation: EscalationPolicy = EscalationPolicy(), renewals: RenewalPlanner? = nil,
                renewalTeam: String = "renewal", pools: PoolRules = PoolRules(), interval: Duration = .seconds(600),
                logger: Logger = Logger(label: "calldesk.followup")) {
        self.pools = pools
        self.store = store
        self.planner = planner
        self.escalation = escalation
        self.renewals = renewals ?? RenewalPlanner(calendar: planner.calendar)
        self.renewalTeam = renewalTeam
        self.interval = interval
        self.logger = logger
    }

    /// One pass as of `now`.
    public func runPass(now: Date = Date()) async throws -> PassReport {
        var steps: [(step: String, took: Duration)] = []
        func timed<T>(_ step: String, _ body: () async throws -> T) async rethrows -> T {
            let start = ContinuousClock.now
            defer { steps.append((step, ContinuousClock.now - start)) }
            return try await body()
        }
        let leads = try await timed("read leads") { try await store.leadsToPlan(grades: Array(planner.cadence.keys)) }
        let today = planner.calendar.workingDays(from: now, count: 1).first ?? now
        // The reps' booked days matter only when there is something to spread.
        let load = leads.isEmpty ? [:] : try await timed("read load") { try await store.openTaskLoad(from: today, timeZone: planner.calendar.timeZone, day: planner.calendar.day(of:)) }
        let planned = await timed("plan") {
            var zones: [String: TimeZone] = [:]
            return planner.plan(leads.map { lead in
                let zone = lead.timeZone.flatMap { name in
                    zones[name] ?? TimeZone(identifier: name).map { zones[name] = $0; return $0 }
                }
                return FollowUpPlanner.Lead(id: lead.id, customerID: lead.customerId, ownerID: lead.ownerId, grade: lead.grade, gradedAt: lead.gradedAt,
                                            lastProgressAt: lead.lastProgressAt, hasOpenFollowUp: lead.hasOpenFollowUp, timeZone: zone)
            }, now: now, booked: load)
        }
        let created = try await timed("insert") {
            try await store.insertPlanned(planned.map {
                .init(leadID: $0.leadID, customerID: $0.customerID, ownerID: $0.ownerID, dueAt: $0.dueAt, key: $0.key)
            }).count
        }
        var report = PassReport(leads: leads.count, planned: planned.count, created: created)
        try await timed("remind") { try await remind(now: now, into: &report) }
        try await timed("escalate") { try await escalate(now: now, into: &report) }
        report.recycled = try await timed("recycle") { try await store.recyclePool(pools, now: now) }
        report.steps = steps
        return report
    }

    /// Plans the renewal, win-back and birthday calls due as of `now`; a new renewal call replaces its policy's earlier one.
    func remind(now: Date, into report: inout PassReport) async throws {
        let window = renewals.window(now: now)
        let policies = try await store.policiesToRenew(from: window.from, through: window.through)
        let month = Int(planner.calendar.day(of: now).dropFirst(5).prefix(2)) ?? 1
        let birthdays = try await store.birthdays(inMonth: month)
        guard !policies.isEmpty || !birthdays.isEmpty else { return }
        let team = try await store.teamID(named: renewalTeam)
        let agents = try await store.teamMembers().filter { $0.teamId == team && $0.role == .agent && team != nil }
        let calls = renewals.plan(policies: policies, birthdays: birthdays, renewalAgents: agents, now: now)
        let created = try await store.insertPlanned(calls)
        let new = calls.filter { created.contains($0.key) }
        for call in new { report.reminders[call.kind, default: 0] += 1 }
        try await store.supersedeRenewals(new.filter { $0.kind == .renewal }.compactMap { call in call.policyID.map { ($0, call.key) } })
    }

    /// Makes the escalations due as of `now`, each once (a catch-up after downtime makes each once too).
    func escalate(now: Date, into report: inout PassReport) async throws {
        let candidates = try await store.escalationCandidates(escalation.cutoffs(now: now, timeZone: planner.calendar.timeZone))
        guard !candidates.isEmpty else { return }
        var members = try await store.teamMembers()
        for candidate in candidates {
            let successor = escalation.successor(for: candidate, among: members)
            if try await store.escalate(candidate, successor: successor, now: now) {
                report.escalated[candidate.rule, default: 0] += 1
                // What one move gives someone counts against them for the next choice of this pass.
                if let successor, let index = members.firstIndex(where: { $0.id == successor }) {
                    let member = members[index]
                    members[index] = TeamMember(id: member.id, role: member.role, teamId: member.teamId, seniority: member.seniority, load: member.load + 1)
                }
            } else if [.staleA, .staleB, .overdueTaskReassigned].contains(candidate.rule) && successor == nil {
                report.waiting += 1
            }
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            repeat {
                do {
                    let report = try await runPass()
                    if report.created > 0 || report.recycled > 0 { logger.info("follow-ups planned", metadata: ["report": "\(report)"]) }
                } catch {
                    logger.error("follow-up pass failed; the next one catches up", metadata: ["error": "\(CRMDatabase.explain(error))"])
                }
            } while (try? await Task.sleep(for: interval)) != nil
        }
    }
}
