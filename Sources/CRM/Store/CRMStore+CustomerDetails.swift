import Foundation
import SQLKit

/// What the 360° view adds to a screen-pop card: the customer's contacts and leads with their grade history.
public struct CustomerDetails: Sendable {
    public let contacts: [PersonalDataExport.Contact]
    public let leads: [PersonalDataExport.Lead]
}

extension CRMStore {
    /// The contacts and leads (with grade history, oldest first) of a customer, for the 360° view.
    public func customerDetails(_ customerID: Int) async throws -> CustomerDetails {
        try await database.withConnection { sql in
            let contacts = try await sql.select().columns("name", "role", "birthday", "phone_e164").from("contacts")
                .where("customer_id", .equal, customerID).orderBy("id")
                .all(decoding: PersonalDataExport.Contact.self, keyDecodingStrategy: .convertFromSnakeCase)
            var leads = try await sql.select().columns("id", "grade", "stage").from("leads").where("customer_id", .equal, customerID).orderBy("id")
                .all(decoding: PersonalDataExport.Lead.self, keyDecodingStrategy: .convertFromSnakeCase)
            for index in leads.indices {
                leads[index].history = try await sql.select().columns("previous_grade", "grade", "reason", "changed_at").from("lead_grade_history")
                    .where("lead_id", .equal, leads[index].id).orderBy("id")
                    .all(decoding: PersonalDataExport.GradeChange.self, keyDecodingStrategy: .convertFromSnakeCase)
            }
            return CustomerDetails(contacts: contacts, leads: leads)
        }
    }
}
