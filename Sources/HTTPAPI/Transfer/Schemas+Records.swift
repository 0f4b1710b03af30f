import CRM
import Foundation

extension Components.Schemas.Contact {
    init(_ contact: ContactRecord, mask: PhoneMask) {
        self.init(id: Int64(contact.id), name: contact.name, role: contact.role, birthday: contact.birthday, phone: mask.show(contact.phoneE164))
    }
}

extension Components.Schemas.Vehicle {
    init(_ vehicle: VehicleRecord) {
        self.init(id: Int64(vehicle.id), vin: vehicle.vin, model: vehicle.model, plate: vehicle.plate, purchaseDate: vehicle.purchaseDate)
    }
}

extension Components.Schemas.Policy {
    init(_ policy: PolicyRecord) {
        self.init(id: Int64(policy.id), vehicleId: policy.vehicleId.map(Int64.init), insurer: policy.insurer, policyNo: policy.policyNo,
                  expiryDate: policy.expiryDate)
    }
}

extension Components.Schemas.Lead {
    init(_ lead: LeadRecord) throws {
        self.init(id: Int64(lead.id), customerId: Int64(lead.customerId), ownerId: lead.ownerId.map(Int64.init), grade: try schemaValue(lead.grade),
                  stage: try schemaValue(lead.stage), lastProgressAt: lead.lastProgressAt,
                  history: try lead.history.map { change in
                      .init(from: try change.previousGrade.map { try schemaValue($0) }, grade: try schemaValue(change.grade),
                            reason: change.reason, changedAt: change.changedAt)
                  })
    }
}

extension Components.Schemas.Approval {
    init(_ approval: ApprovalRecord) throws {
        self.init(id: Int64(approval.id), kind: try schemaValue(approval.kind), status: try schemaValue(approval.status),
                  subjectId: Int64(approval.subjectId), customerId: approval.customerId.map(Int64.init), reason: approval.reason,
                  requestedBy: Int64(approval.requestedBy), requestedAt: approval.requestedAt, decidedBy: approval.decidedBy.map(Int64.init),
                  decidedAt: approval.decidedAt, note: approval.note)
    }
}

extension Components.Schemas.Team {
    init(_ team: TeamRecord) {
        self.init(id: Int64(team.id), name: team.name, members: team.members)
    }
}

extension Components.Schemas.Token {
    init(_ token: TokenInfo) {
        self.init(id: Int64(token.id), userId: Int64(token.userID), label: token.label, createdAt: token.createdAt,
                  expiresAt: token.expiresAt, revokedAt: token.revokedAt)
    }
}

extension Components.Schemas.Import {
    init(_ record: ImportRecord) throws {
        self.init(id: Int64(record.id), status: try schemaValue(record.status), fileName: record.fileName, encoding: record.encoding,
                  rowsRead: record.rowsRead, created: record.created, updated: record.updated, unchanged: record.unchanged,
                  rejected: record.rejected, percent: record.percent, error: record.error, createdAt: record.createdAt, finishedAt: record.finishedAt)
    }
}

extension Components.Schemas.Notification {
    init(_ notification: NotificationRecord) throws {
        self.init(id: Int64(notification.id), kind: try schemaValue(notification.kind), entity: try schemaValue(raw: notification.entity), entityId: Int64(notification.entityId),
                  customerId: notification.customerId.map(Int64.init), message: notification.message, createdAt: notification.createdAt,
                  read: notification.readAt != nil)
    }
}
