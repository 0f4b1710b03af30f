import ArgumentParser
import CRM
import Foundation
import Workflows

/// `calldesk schedule run [--now …]`: one follow-up planning pass, as of a given time, for operators and for tests from outside.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schedule", abstract: "Plan follow-up calls by lead grade and make the escalations due.",
                                                    subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Run one pass and print what it created, escalated and reassigned (idempotent: a second run does nothing).")
        @OptionGroup var options: GlobalOptions
        @Option(help: "Plan as of this time (ISO 8601, e.g. 2027-03-01T09:00:00+08:00); default now") var now: String?

        func run() async throws {
            let config = try await options.load()
            let when: Date
            if let now {
                guard let parsed = try? Date(now, strategy: .iso8601) else { throw ValidationError("--now '\(now)' is not an ISO 8601 time like 2027-03-01T09:00:00+08:00") }
                when = parsed
            } else {
                when = Date()
            }
            let store = try await options.openStore(config)
            do {
                let report = try await FollowUpScheduler(store: store, planner: config.followUp, escalation: config.escalation,
                                                      renewals: config.renewals, renewalTeam: config.renewalTeam, pools: config.pools).runPass(now: when)
                print("as of \(ISO8601DateFormatter().string(from: when)): \(report)")
                await store.close()
            } catch {
                await store.close()
                throw CommandFailure("\(error)")
            }
        }
    }
}
