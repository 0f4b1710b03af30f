import CRM
import Foundation
import TestSupport
import Testing
import Vocabulary

@Suite("Access policy: agents their own, supervisors their team's, admins everything")
struct AccessPolicyTests {
    private func entry(_ id: String, agent: Int? = nil, customers: [Int] = [], queue: String? = nil) -> CallEntry {
        var entry = CallEntry(pbx: "main", linkedID: id, direction: .inbound, status: .ended)
        entry.agentID = agent
        entry.agentIDs = agent.map { [$0] } ?? []
        entry.customerIDs = customers
        entry.queue = queue
        entry.ringAt = Date(timeIntervalSince1970: 1_800_000_000)
        return entry
    }

    @Test("a supervisor sees the calls of their team's agents, customers and queue, not another team's", arguments: TestEngine.available)
    func supervisorsSeeTheirTeam(_ engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let alice = try await store.addUser(name: "王芳", role: .agent, extension: "1001", team: "hotline").user
            let carol = try await store.addUser(name: "李娜", role: .agent, extension: "2001", team: "renewal").user
            let hotlineLead = try await store.addUser(name: "主管", role: .supervisor, team: "hotline").user
            let renewalLead = try await store.addUser(name: "续保主管", role: .supervisor, team: "renewal").user
            let admin = try await store.addUser(name: "管理员", role: .admin).user
            let carolsCustomer = try await store.seedCustomer("韩梅梅", phones: ["13900139000"], owner: "李娜")
            let takenByAlice = try await store.recordCall(entry("1.1", agent: alice.id)).id
            let ofCarolsCustomer = try await store.recordCall(entry("1.2", customers: [carolsCustomer])).id
            let abandonedInHotline = try await store.recordCall(entry("1.3", queue: "hotline")).id
            let takenByCarol = try await store.recordCall(entry("1.4", agent: carol.id)).id
            #expect(try await store.calls(CallFilter(), visibleTo: hotlineLead).map(\.id) == [abandonedInHotline, takenByAlice])
            #expect(try await store.calls(CallFilter(), visibleTo: renewalLead).map(\.id) == [takenByCarol, ofCarolsCustomer])
            #expect(try await store.calls(CallFilter(), visibleTo: admin).count == 4)
            await #expect(throws: CRMError.notFound(entity: "call", id: "\(takenByCarol)")) { try await store.call(id: takenByCarol, visibleTo: hotlineLead) }
            await #expect(throws: CRMError.notFound(entity: "customer", id: "\(carolsCustomer)")) {
                try await store.requireCustomer(carolsCustomer, visibleTo: hotlineLead)
            }
            try await store.requireCustomer(carolsCustomer, visibleTo: renewalLead)
            try await store.requireCustomer(carolsCustomer, visibleTo: carol)
        }
    }

    @Test("who may follow whose screen-pops")
    func following() {
        let alice = User(id: 1, name: "王芳", role: .agent, extension: "1001", teamID: 1, seniority: 0)
        let bob = User(id: 2, name: "赵强", role: .agent, extension: "1002", teamID: 1, seniority: 0)
        let carol = User(id: 3, name: "李娜", role: .agent, extension: "2001", teamID: 2, seniority: 0)
        let lead = User(id: 4, name: "主管", role: .supervisor, extension: nil, teamID: 1, seniority: 0)
        let admin = User(id: 5, name: "管理员", role: .admin, extension: nil, teamID: nil, seniority: 0)
        #expect(alice.access.mayFollow(alice) && !alice.access.mayFollow(bob))
        #expect(lead.access.mayFollow(alice) && lead.access.mayFollow(bob) && !lead.access.mayFollow(carol))
        #expect(admin.access.mayFollow(carol))
        #expect(lead.access.mayView(customerOwnedBy: 2, ownerTeam: 1) && !lead.access.mayView(customerOwnedBy: 3, ownerTeam: 2))
    }
}
