import Foundation
import Hummingbird
import NIOFoundationCompat

/// The API's OpenAPI document (`Spec/openapi.yaml`, the contract the handlers are generated from),
/// served as it is at `/openapi.yaml`.
struct OpenAPIDocument: Sendable {
    let bytes: ByteBuffer

    static func load() throws -> OpenAPIDocument {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw DocumentMissing()
        }
        return OpenAPIDocument(bytes: ByteBuffer(bytes: try Data(contentsOf: url)))
    }

    /// The parameter rules the document sets for the operations under `prefix` (`/v1`).
    func parameterRules(prefix: String) throws -> ParameterRules {
        try ParameterRules(document: Data(buffer: bytes), prefix: prefix)
    }

    func response() -> Response {
        Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: bytes))
    }

    /// The resource bundle was not installed beside the binary.
    struct DocumentMissing: Error, CustomStringConvertible {
        var description: String { "openapi.yaml is missing from CallDesk's resource bundle; reinstall the daemon with its resources" }
    }
}
