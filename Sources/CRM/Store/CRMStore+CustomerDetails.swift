import Foundation
import SQLKit

/// What the 360° view adds to a screen-pop card: the customer's contacts, vehicles and policies in
/// full, and leads with their grade history.
public struct CustomerDetails: Sendable {
    public let contacts: [ContactRecord]
    public let vehicles: [VehicleRecord]
    public let policies: [PolicyRecord]
    public let leads: [LeadRecord]
    /// Every change of hands, oldest first.
    public let ownerHistory: [OwnerMove]
    /// The customer's time zone (IANA) when it is not the centre's.
    public let timeZone: String?
}

extension CRMStore {
    /// The contacts, vehicles, policies and leads (with grade history, oldest first) of a customer, for the 360° view.
    public func customerDetails(_ customerID: Int) async throws -> CustomerDetails {
        try await database.withConnection { sql in
            let parts = try await parts(of: customerID, in: sql)
            let leads = try await leads(where: SQLBinaryExpression(SQLColumn("customer_id"), .equal, SQLBind(customerID)), in: sql)
            return CustomerDetails(contacts: parts.contacts, vehicles: parts.vehicles, policies: parts.policies, leads: leads,
                                   ownerHistory: try await ownerMoves(of: customerID, in: sql),
                                   timeZone: try await sql.select().column("time_zone").from("customers").where("id", .equal, customerID)
                                       .first(decodingColumn: "time_zone", as: String?.self) ?? nil)
        }
    }
}
