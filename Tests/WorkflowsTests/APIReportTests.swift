import CRM
import Foundation
import Testing
import TestSupport
import Vocabulary

/// Reports from CallDesk's own records, in JSON and CSV, as far as the asker may see.
@Suite("HTTP API: reports")
struct APIReportTests {
    @Test("a day's report counts the agent's answered call, talk, upgraded lead and done task; per team and in all; an agent sees only herself; CSV for Excel",
          arguments: TestEngine.available)
    func dailyReport(_ engine: TestEngine) async throws {
        try await DaemonHarness.run(engine, simulator: APITests.simulator) { daemon in
            let api = APIClient(port: daemon.httpPort)
            _ = try await APITests.oneAnsweredCall(daemon)
            let opened = try await api.send("/v1/customers/\(daemon.knownCustomer)/leads", token: daemon.alice.token, method: .POST,
                                            body: #"{"grade": "B", "reason": "换购"}"#)
            let lead = try #require(try opened.json()["id"] as? Int)
            #expect(try await api.send("/v1/leads/\(lead)/grade", token: daemon.alice.token, method: .POST,
                                       body: #"{"grade": "A", "reason": "试驾满意"}"#).status == 200)
            let complaint = try await daemon.store.addTask(customerID: daemon.knownCustomer, kind: .complaint, ownerID: daemon.alice.user.id,
                                                           dueAt: Date().addingTimeInterval(60), note: "投诉")
            #expect(try await api.send("/v1/tasks/\(complaint)/complete", token: daemon.alice.token, method: .POST, body: #"{"result": "已解决"}"#).status == 204)

            let answer = try await api.send("/v1/reports?period=day", token: daemon.supervisor.token)
            #expect(answer.status == 200, "\(answer.body)")
            let report = try answer.json()
            let agents = try #require(report["agents"] as? [[String: Any]])
            let alice = try #require(agents.first { $0["userId"] as? Int == daemon.alice.user.id })
            #expect(alice["inboundAnswered"] as? Int == 1 && alice["leadsUpgraded"] as? Int == 1 && alice["tasksDone"] as? Int == 1, "\(alice)")
            #expect(agents.contains { $0["userId"] as? Int == daemon.bob.user.id })
            let total = try #require(report["total"] as? [String: Any])
            #expect(total["inboundAnswered"] as? Int == 1 && total["userId"] == nil)
            #expect((report["teams"] as? [[String: Any]])?.first?["name"] as? String == "hotline")
            let inbound = try #require(report["inbound"] as? [String: Any])
            #expect(inbound["answered"] as? Int == 1 && inbound["serviceLevel"] as? Double == 1)

            let own = try await api.send("/v1/reports?period=week", token: daemon.alice.token).json()
            #expect((own["agents"] as? [[String: Any]])?.map { $0["userId"] as? Int } == [daemon.alice.user.id])
            #expect((own["inbound"] as? [String: Any])?["answered"] as? Int == 0, "an agent sees no queue figures")

            let csv = try await api.send("/v1/reports?period=month&format=csv", token: daemon.supervisor.token)
            #expect(csv.status == 200 && csv.headers["Content-Type"].first?.hasPrefix("text/csv") == true)
            let lines = csv.body.split(separator: "\r\n").map(String.init)
            #expect(lines.first?.hasPrefix("\u{FEFF}kind,name,team,calls_made") == true)
            #expect(lines.contains { $0.hasPrefix("agent,王芳,hotline,") } && lines.last?.hasPrefix("total,total,") == true)

            let bad = try await api.send("/v1/reports?date=2026-02-30", token: daemon.supervisor.token)
            #expect(try bad.status == 400 && (bad.json()["field"] as? String) == "date")
        }
    }
}
