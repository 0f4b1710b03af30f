import CRM
import Foundation
import Vocabulary

extension CallDeskAPI {
    func createLead(_ input: Operations.CreateLead.Input) async throws -> Operations.CreateLead.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        guard let grade = LeadGrade(rawValue: body.grade.rawValue) else { throw APIError.badField("grade", "must be A, B or C") }
        let lead = try await store.createLead(customerID: try id(input.path.id), grade: grade,
                                              reason: try body.reason.map { try field("reason", $0, maxLength: 500) }, by: user)
        return .created(.init(body: .json(try .init(lead))))
    }

    func getLead(_ input: Operations.GetLead.Input) async throws -> Operations.GetLead.Output {
        let (user, _) = try viewer()
        return .ok(.init(body: .json(try .init(try await store.lead(try id(input.path.id), visibleTo: user)))))
    }

    func setLeadStage(_ input: Operations.SetLeadStage.Input) async throws -> Operations.SetLeadStage.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        guard let stage = LeadStage(rawValue: body.stage.rawValue) else { throw APIError.badField("stage", "is not a stage") }
        return .ok(.init(body: .json(try .init(try await store.setStage(ofLead: try id(input.path.id), to: stage, by: user)))))
    }

    func regradeLead(_ input: Operations.RegradeLead.Input) async throws -> Operations.RegradeLead.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        guard let grade = LeadGrade(rawValue: body.grade.rawValue) else { throw APIError.badField("grade", "must be A, B or C") }
        let lead = try await store.regradeLead(try id(input.path.id), to: grade, reason: try field("reason", body.reason, maxLength: 500), by: user)
        return .ok(.init(body: .json(try .init(lead))))
    }

    func closeLead(_ input: Operations.CloseLead.Input) async throws -> Operations.CloseLead.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let outcome: LeadStage = body.outcome == .won ? .won : .lost
        switch try await store.closeLead(try id(input.path.id), as: outcome, reason: try field("reason", body.reason, maxLength: 500), by: user) {
        case .closed(let lead): return .ok(.init(body: .json(try .init(lead))))
        case .awaitingApproval(let approval): return .accepted(.init(body: .json(try .init(approval))))
        }
    }

    func listApprovals(_ input: Operations.ListApprovals.Input) async throws -> Operations.ListApprovals.Output {
        let (user, _) = try viewer()
        let limit = try limit(input.query.limit)
        let approvals = try await store.approvals(visibleTo: user, status: input.query.status.flatMap { ApprovalStatus(rawValue: $0.rawValue) },
                                                  beforeID: try PageCursor(parsing: input.query.cursor)?.id, limit: limit)
        return .ok(.init(body: .json(.init(items: try approvals.map { try .init($0) },
                                           nextCursor: PageCursor.next(after: approvals, limit: limit) { PageCursor(id: $0.id) }))))
    }

    func decideApproval(_ input: Operations.DecideApproval.Input) async throws -> Operations.DecideApproval.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let note = try body.note.map { try field("note", $0, maxLength: 500) }
        let approval = try await roleRestricted { try await store.decide(approval: try id(input.path.id), approve: body.approve, note: note, by: user) }
        return .ok(.init(body: .json(try .init(approval))))
    }
}
