import CRM
import Foundation

extension CallDeskAPI {
    func exportPersonalData(_ input: Operations.ExportPersonalData.Input) async throws -> Operations.ExportPersonalData.Output {
        let (user, _) = try viewer()
        let export = try await store.exportPersonalData(customerID: try id(input.path.id), by: user)
        // The store's export in the document's loose shape: through JSON, dates as ISO 8601.
        let body = try JSONDecoder.api.decode(Components.Schemas.PersonalDataExport.self, from: try JSONEncoder.api.encode(export))
        return .ok(.init(body: .json(body)))
    }

    func erasePersonalData(_ input: Operations.ErasePersonalData.Input) async throws -> Operations.ErasePersonalData.Output {
        let (user, _) = try viewer()
        try await store.erasePersonalData(customerID: try id(input.path.id), by: user)
        return .noContent(.init())
    }
}
