import CRM
import Foundation
import Testing
import TestSupport
import Workflows

/// A customer's time zone over the API, and the follow-up calls that fall in working hours there.
@Suite("HTTP API: a customer's time zone")
struct APICustomerTimeZoneTests {
    @Test("a customer made with America/Los_Angeles shows it; a made-up zone is a 400 naming timeZone; its follow-up falls in working hours there; empty clears it",
          arguments: TestEngine.available)
    func timeZone(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            let bad = try await api.send("/v1/customers", token: daemon.alice.token, method: .POST,
                                         body: #"{"name": "Jane Roe", "phones": ["13700137201"], "timeZone": "Mars/Olympus"}"#)
            let badField = try bad.json()["field"] as? String
            #expect(bad.status == 400 && badField == "timeZone", "\(bad.body)")
            let made = try await api.send("/v1/customers", token: daemon.alice.token, method: .POST,
                                          body: #"{"name": "Jane Roe", "phones": ["13700137201"], "grade": "A", "timeZone": "America/Los_Angeles"}"#)
            let view = try made.json()
            #expect(made.status == 201 && view["timeZone"] as? String == "America/Los_Angeles", "\(made.body)")
            let id = try #require(view["id"] as? Int)

            // A week on, her follow-up falls between 09:00 and 18:00 in Los Angeles on a weekday.
            let pass = try await FollowUpScheduler(store: daemon.store, planner: FollowUpPlanner(calendar: WorkCalendar()))
                .runPass(now: Date().addingTimeInterval(8 * 86_400))
            #expect(pass.created >= 1, "\(pass)")
            let task = try #require(try await daemon.store.tasks(TaskFilter(customerID: id, limit: 5), visibleTo: daemon.alice.user).first)
            var losAngeles = Calendar(identifier: .gregorian)
            losAngeles.timeZone = try #require(TimeZone(identifier: "America/Los_Angeles"))
            let hour = losAngeles.component(.hour, from: task.dueAt), weekday = losAngeles.component(.weekday, from: task.dueAt)
            #expect((9..<18).contains(hour) && (2...6).contains(weekday), "due \(task.dueAt): \(hour):00 on weekday \(weekday) in Los Angeles")

            let cleared = try await api.send("/v1/customers/\(id)", token: daemon.alice.token, method: .PATCH, body: #"{"timeZone": ""}"#)
            let clearedZone = try cleared.json()["timeZone"] as? String
            #expect(cleared.status == 200 && clearedZone == nil, "\(cleared.body)")
            let trail = try await daemon.store.auditTrail(entity: "customer", id: id)
            #expect(trail.contains { $0.details?.contains("\"before.timeZone\":\"America\\/Los_Angeles\"") == true || $0.details?.contains("\"before.timeZone\":\"America/Los_Angeles\"") == true }, "\(trail.map(\.details))")
        }
    }
}
