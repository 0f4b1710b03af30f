import CRM
import Foundation
import HTTPTypes
import Hummingbird

/// An API failure as the client sees it: an HTTP status and a JSON body `{"error": code, "message": text,
/// "field": name}` whose message says what was wrong and what to send instead.
public struct APIError: HTTPResponseError, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// The parameter or body field at fault, when one is.
    public let field: String?
    /// Extra response headers (`WWW-Authenticate`, `Retry-After`).
    public let headers: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, field: String? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    static let unauthorized = APIError(.unauthorized, code: "unauthorized",
                                       message: "send your API token as 'Authorization: Bearer <token>' (POST /v1/login gives one)",
                                       headers: [.wwwAuthenticate: "Bearer realm=\"CallDesk\""])

    static func badParameter(_ name: String, _ value: String, expected: String) -> APIError {
        APIError(.badRequest, code: "bad_parameter", message: "\(name) '\(value.prefix(80))' is not valid: expected \(expected)", field: name)
    }

    static func badField(_ name: String, _ reason: String) -> APIError {
        APIError(.badRequest, code: "bad_body", message: "field '\(name)' \(reason)", field: name)
    }

    /// The API's reading of a store error. A record the user may not see is not found, like a missing one.
    init(_ error: CRMError) {
        switch error {
        case .notFound: self.init(.notFound, code: "not_found", message: error.description)
        case .forbidden: self.init(.notFound, code: "not_found", message: "no such record")
        case .invalidInput(let field, _, _): self.init(.unprocessableContent, code: "invalid_input", message: error.description, field: field)
        case .conflict: self.init(.conflict, code: "conflict", message: error.description)
        case .databaseUnavailable: self.init(.serviceUnavailable, code: "database_unavailable", message: "the CRM database is unavailable; try again shortly")
        default: self.init(.internalServerError, code: "internal", message: "internal error")
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var body = ["error": code, "message": message]
        if let field { body["field"] = field }
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.api.encode(body))))
    }
}

extension JSONEncoder {
    /// Dates as ISO 8601, keys sorted: the API's one JSON style.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension JSONDecoder {
    static var api: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
