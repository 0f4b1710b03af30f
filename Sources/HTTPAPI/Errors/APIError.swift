import CRM
import Foundation
import HTTPTypes
import Hummingbird

/// An API failure as the client sees it: an HTTP status and a JSON body `{"error": code, "message": text}`
/// whose message says what was wrong and what to send instead.
public struct APIError: HTTPResponseError, Sendable, Equatable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static let unauthorized = APIError(.unauthorized, code: "unauthorized",
                                       message: "send your API token as 'Authorization: Bearer <token>' (or ?token= on WebSocket URLs)")

    static func badParameter(_ name: String, _ value: String, expected: String) -> APIError {
        APIError(.badRequest, code: "bad_parameter", message: "\(name) '\(value)' is not valid: expected \(expected)")
    }

    static func forbidden(_ message: String) -> APIError { APIError(.forbidden, code: "forbidden", message: message) }

    /// The API's reading of a store error.
    init(_ error: CRMError) {
        switch error {
        case .notFound: self.init(.notFound, code: "not_found", message: error.description)
        case .forbidden: self.init(.forbidden, code: "forbidden", message: error.description)
        case .invalidInput: self.init(.unprocessableContent, code: "invalid_input", message: error.description)
        case .conflict: self.init(.conflict, code: "conflict", message: error.description)
        case .databaseUnavailable: self.init(.serviceUnavailable, code: "database_unavailable", message: "the CRM database is unavailable; try again shortly")
        default: self.init(.internalServerError, code: "internal", message: "internal error")
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONEncoder.api.encode(["error": code, "message": message])
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
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
