import CRM
import Foundation
import Vocabulary
import Workflows

/// The live monitor over the API: the boards now, pausing agents, queue membership.
extension CallDeskAPI {
    func getMonitor(_ input: Operations.GetMonitor.Input) async throws -> Operations.GetMonitor.Output {
        let (user, _) = try viewer()
        let (queues, agents) = try await visibleBoards(for: user)
        return .ok(.init(body: .json(.init(
            queues: try queues.map(Components.Schemas.QueueBoard.init), agents: try agents.map(Components.Schemas.AgentBoard.init),
            pauseCodes: settings.monitor.pauseCodes.map { .init(code: $0.code, label: $0.label, limitSeconds: $0.limitSeconds) }))))
    }

    func pauseAgent(_ input: Operations.PauseAgent.Input) async throws -> Operations.PauseAgent.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let target = try await reachableUser(try id(input.path.id), by: user)
        if body.paused {
            guard let reason = body.reason, settings.monitor.pauseCodes.contains(where: { $0.code == reason }) else {
                throw APIError.badField("reason", "must be one of the pause codes: \(settings.monitor.pauseCodes.map(\.code).joined(separator: ", "))")
            }
        }
        guard let (monitor, interface) = placement(of: target) else {
            throw CRMError.conflict("\(target.name) is in no queue on any PBX; add them to a queue first")
        }
        try await onPBX { try await monitor.pause(interface: interface, paused: body.paused, reason: body.paused ? body.reason : nil) }
        try await store.auditAction(actor: user.id, action: body.paused ? "pause" : "unpause", entity: "user", entityID: target.id,
                                    details: ["interface": interface, "reason": body.reason ?? "", "pbx": monitor.pbx])
        return .noContent(.init())
    }

    func addQueueMember(_ input: Operations.AddQueueMember.Input) async throws -> Operations.AddQueueMember.Output {
        let (user, _) = try viewer()
        guard case .json(let body) = input.body else { throw APIError.badField("body", "must be JSON") }
        let queue = try await manageableQueue(input.path.queue, by: user)
        let target = try await reachableUser(try id(body.userId), by: user)
        guard let ext = target.extension else { throw CRMError.conflict("\(target.name) has no extension to add to a queue") }
        let monitor = try monitor(of: queue)
        let interface = placement(of: target)?.interface ?? settings.monitor.memberInterface.replacingOccurrences(of: "{extension}", with: ext)
        try await onPBX { try await monitor.add(queue: queue, interface: interface, memberName: target.name) }
        try await store.auditAction(actor: user.id, action: "queue_add", entity: "user", entityID: target.id,
                                    details: ["queue": queue, "interface": interface, "pbx": monitor.pbx])
        return .noContent(.init())
    }

    func removeQueueMember(_ input: Operations.RemoveQueueMember.Input) async throws -> Operations.RemoveQueueMember.Output {
        let (user, _) = try viewer()
        let queue = try await manageableQueue(input.path.queue, by: user)
        let target = try await reachableUser(try id(input.path.userId), by: user)
        let monitor = try monitor(of: queue)
        guard let interface = monitor.current.agents.first(where: { $0.userId == target.id && $0.queues.contains(queue) })?.interface else {
            throw CRMError.conflict("\(target.name) is not in \(queue)")
        }
        try await onPBX { try await monitor.remove(queue: queue, interface: interface) }
        try await store.auditAction(actor: user.id, action: "queue_remove", entity: "user", entityID: target.id,
                                    details: ["queue": queue, "interface": interface, "pbx": monitor.pbx])
        return .noContent(.init())
    }

    // MARK: Reach

    /// The boards `user` may see: an admin all, a supervisor their team's queues and agents, an agent their own state.
    func visibleBoards(for user: User) async throws -> (queues: [QueueBoard], agents: [AgentBoard]) {
        let all = monitors.map(\.current)
        let queues = all.flatMap(\.queues), agents = all.flatMap(\.agents)
        switch user.access.reach {
        case .everything:
            return (queues, agents)
        case .team(let team):
            let name = try await store.teams(visibleTo: user).first { $0.id == team }?.name
            let members = Set(try await store.users(visibleTo: user, limit: 500).map(\.id))
            let theirs = Set(name.map(settings.monitor.queueTeams.queues(of:)) ?? [])
            return (queues.filter { theirs.contains($0.queue) }, agents.filter { $0.userId.map(members.contains) ?? false })
        case .own:
            return ([], agents.filter { $0.userId == user.id })
        }
    }

    /// A user within `actor`'s reach (themselves, their team, anyone for an admin); else not found.
    private func reachableUser(_ id: Int, by actor: User) async throws -> User {
        guard let target = try await store.user(id: id), actor.access.mayFollow(target) else { throw CRMError.notFound(entity: "user", id: "\(id)") }
        return target
    }

    /// A queue `actor` may change: an admin any, a supervisor their team's (`QueueTeams`).
    private func manageableQueue(_ queue: String, by actor: User) async throws -> String {
        switch actor.access.reach {
        case .everything: return queue
        case .team(let team):
            guard let name = try await store.teams(visibleTo: actor).first(where: { $0.id == team })?.name,
                  settings.monitor.queueTeams.team(of: queue) == name else {
                throw APIError(.forbidden, code: "forbidden", message: "supervisors change their own team's queues only")
            }
            return queue
        case .own: throw APIError(.forbidden, code: "forbidden", message: "queue membership is changed by supervisors and admins")
        }
    }

    /// Where a user's phone is a queue member: its PBX's monitor and the member interface.
    private func placement(of user: User) -> (monitor: QueueMonitorService, interface: String)? {
        for monitor in monitors {
            if let agent = monitor.current.agents.first(where: { $0.userId == user.id && !$0.queues.isEmpty }) { return (monitor, agent.interface) }
        }
        return nil
    }

    private func monitor(of queue: String) throws -> QueueMonitorService {
        guard let monitor = monitors.first(where: { $0.current.queues.contains { $0.queue == queue } }) ?? monitors.first else {
            throw APIError(.serviceUnavailable, code: "unavailable", message: "this server watches no PBX")
        }
        return monitor
    }

    /// Runs a queue action on the PBX: a refusal is a conflict, a PBX out of reach is 503.
    private func onPBX(_ action: () async throws -> Void) async throws {
        do {
            try await action()
        } catch let refused as MonitorActionRefused {
            throw CRMError.conflict(refused.description)
        } catch let error as CRMError {
            throw error
        } catch {
            throw APIError(.serviceUnavailable, code: "pbx_unavailable", message: "the PBX did not answer; try again shortly")
        }
    }
}
