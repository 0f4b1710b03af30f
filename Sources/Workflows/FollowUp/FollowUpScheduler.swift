import CRM
import Foundation
import Logging
import ServiceLifecycle

/// Follow-up scheduling as a service: a pass on a timer plans the calls every lead is due by its
/// grade (`FollowUpPlanner`) and inserts the new ones. A pass is idempotent (each task's key is its
/// lead, grade and last progress), so two passes, or two daemons on one database, never double a task, and
/// a daemon down for a week catches up in one pass. The clock is given, so tests run months in milliseconds.
public struct FollowUpScheduler: Service, Sendable {
    /// What one pass did.
    public struct PassReport: Sendable, Hashable, CustomStringConvertible {
        public let leads: Int
        public let planned: Int
        public let created: Int
        public var description: String { "\(leads) open leads, \(planned) follow-ups due, \(created) new tasks" }
    }

    let store: CRMStore
    let planner: FollowUpPlanner
    let interval: Duration
    let logger: Logger

    public init(store: CRMStore, planner: FollowUpPlanner, interval: Duration = .seconds(600), logger: Logger = Logger(label: "calldesk.followup")) {
        self.store = store
        self.planner = planner
        self.interval = interval
        self.logger = logger
    }

    /// One pass as of `now`.
    public func runPass(now: Date = Date()) async throws -> PassReport {
        let leads = try await store.leadsToPlan(grades: Array(planner.cadence.keys))
        let today = planner.calendar.workingDays(from: now, count: 1).first ?? now
        let load = try await store.openTaskLoad(from: today, day: planner.calendar.day(of:))
        let planned = planner.plan(leads.map {
            FollowUpPlanner.Lead(id: $0.id, customerID: $0.customerId, ownerID: $0.ownerId, grade: $0.grade, gradedAt: $0.gradedAt,
                                 lastProgressAt: $0.lastProgressAt, hasOpenFollowUp: $0.hasOpenFollowUp)
        }, now: now, booked: load)
        let created = try await store.insertPlanned(planned.map {
            .init(leadID: $0.leadID, customerID: $0.customerID, ownerID: $0.ownerID, dueAt: $0.dueAt, key: $0.key)
        })
        return PassReport(leads: leads.count, planned: planned.count, created: created)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            repeat {
                do {
                    let report = try await runPass()
                    if report.created > 0 { logger.info("follow-ups planned", metadata: ["report": "\(report)"]) }
                } catch {
                    logger.error("follow-up pass failed; the next one catches up", metadata: ["error": "\(CRMDatabase.explain(error))"])
                }
            } while (try? await Task.sleep(for: interval)) != nil
        }
    }
}
