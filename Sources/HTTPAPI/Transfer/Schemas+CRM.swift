import CRM
import Foundation
import Telephony
import Vocabulary

extension Components.Schemas.User {
    /// `settings` (devices, disabled) are shown to admins only.
    init(_ user: User, settings: (devices: [String], disabled: Bool)? = nil) throws {
        self.init(id: Int64(user.id), name: user.name, role: try schemaValue(user.role), _extension: user.extension,
                  teamId: user.teamID.map(Int64.init), seniority: user.seniority, devices: settings?.devices, disabled: settings?.disabled)
    }
}

extension Components.Schemas.Call {
    init(_ call: StoredCall, mask: PhoneMask) throws {
        self.init(
            id: Int64(call.id), pbx: call.pbx, linkedId: call.linkedID, direction: try schemaValue(call.direction),
            caller: mask.show(call.caller), callee: mask.show(call.callee), externalName: call.externalName, queue: call.queue,
            agentId: call.agentID.map(Int64.init), agentIds: call.agentIDs.map(Int64.init), agentsRung: call.agentsRung,
            ringAt: call.ringAt, answerAt: call.answerAt, endAt: call.endAt, lastSeenAt: call.lastSeenAt,
            result: try call.result.map { try schemaValue($0) }, hangupCause: call.hangupCause, queuePosition: call.queuePosition,
            holdTime: call.holdTime, talkTime: call.talkTime, recording: call.recording, taskId: call.taskID.map(Int64.init),
            status: try schemaValue(call.status), endedBy: try call.endedBy.map { try schemaValue($0) },
            customerIds: call.customerIDs.map(Int64.init), interactionIds: call.interactionIDs.map(Int64.init))
    }
}

extension Components.Schemas.Phone {
    init(_ phone: PhoneNumber, mask: PhoneMask) throws {
        self.init(number: mask.show(phone.e164), kind: try schemaValue(phone.kind))
    }
}

extension Components.Schemas.CustomerSummary {
    init(_ summary: CustomerSummary, mask: PhoneMask) throws {
        self.init(id: Int64(summary.id), name: summary.name, kind: try schemaValue(summary.kind),
                  phones: try summary.phones.map { try .init($0, mask: mask) }, grade: try summary.grade.map { try schemaValue($0) },
                  ownerId: summary.ownerID.map(Int64.init), ownerName: summary.ownerName)
    }
}

/// The document's task schema, by a name of its own (the extension then does not read as a task closure).
typealias TaskSchema = Components.Schemas.Task

extension TaskSchema {
    init(_ task: TaskItem, now: Date) throws {
        self.init(id: Int64(task.id), kind: try schemaValue(task.kind), status: try schemaValue(task.status),
                  customerId: task.customerID.map(Int64.init), customerName: task.customerName, ownerId: task.ownerID.map(Int64.init),
                  dueAt: task.dueAt, overdue: task.status == .open && task.dueAt < now, note: task.note, callId: task.callID.map(Int64.init), priority: task.priority)
    }
}

extension Components.Schemas.Customer {
    init(_ card: CustomerCard, details: CustomerDetails, mask: PhoneMask, now: Date) throws {
        try self.init(card, mask: mask, now: now)
        contacts = details.contacts.map { .init($0, mask: mask) }
        vehicles = details.vehicles.map { .init($0) }
        policies = details.policies.map { .init($0) }
        leads = try details.leads.map { try .init($0) }
        ownerHistory = try details.ownerHistory.map { try .init($0) }
        timeZone = details.timeZone
    }

    init(_ card: CustomerCard, mask: PhoneMask, now: Date) throws {
        let open = (card.openTasks + card.openComplaints).sorted { $0.dueAt < $1.dueAt }
        self.init(
            id: Int64(card.id), name: card.name, kind: try schemaValue(card.kind), grade: try card.grade.map { try schemaValue($0) },
            ownerId: card.ownerID.map(Int64.init), ownerName: card.ownerName, phones: try card.phones.map { try .init($0, mask: mask) },
            vehicles: card.vehicles.map { .init(id: Int64($0.id), vin: $0.vin, model: $0.model, plate: $0.plate) },
            policies: card.policies.map { .init(id: Int64($0.id), vehicleId: $0.vehicleId.map(Int64.init), insurer: $0.insurer, expiryDate: $0.expiryDate) },
            lastInteractions: card.lastInteractions.map { .init(id: Int64($0.id), kind: $0.kind, outcome: $0.outcome, note: $0.note, occurredAt: $0.occurredAt) },
            openTasks: try open.map { task in
                Components.Schemas.Task(id: Int64(task.id), kind: try schemaValue(task.kind), status: .open, customerId: Int64(card.id),
                                        customerName: card.name, ownerId: task.ownerId.map(Int64.init), dueAt: task.dueAt,
                                        overdue: task.dueAt < now, note: task.note)
            })
    }
}

extension Components.Schemas.OwnerMove {
    init(_ move: OwnerMove) throws {
        self.init(kind: try schemaValue(move.kind), fromUser: move.fromUser.map(Int64.init), toUser: move.toUser.map(Int64.init),
                  pool: try move.pool.map { try schemaValue($0) }, teamId: move.teamId.map(Int64.init), byUser: move.byUser.map(Int64.init),
                  reason: move.reason, movedAt: move.movedAt)
    }
}

extension Components.Schemas.PoolEntry {
    init(_ entry: PoolEntry, mask: PhoneMask) throws {
        self.init(customer: try .init(entry.customer, mask: mask), pool: try schemaValue(entry.pool), teamId: entry.teamID.map(Int64.init),
                  pooledAt: entry.pooledAt, lastOwnerId: entry.lastOwnerID.map(Int64.init))
    }
}
