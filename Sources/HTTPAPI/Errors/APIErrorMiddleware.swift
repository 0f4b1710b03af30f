import CRM
import Hummingbird
import Logging
import OpenAPIRuntime

/// Turns every failure into an `APIError` response: store errors by kind, what the spec-first layer
/// refuses (a malformed parameter or body, a wrong content type) as 4xx naming the field, an
/// over-limit body as 413, anything unexpected as a logged 500 that reveals nothing inside.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The document's operations: a path it has with another method is answered 405, not 404.
    let rules: ParameterRules

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = rules.methods(forPath: request.uri.path)
            guard !allowed.isEmpty else { throw APIError(.notFound, code: "not_found", message: "no such route: \(request.uri.path)") }
            throw APIError(.methodNotAllowed, code: "method_not_allowed",
                           message: "\(request.method) is not allowed here; use \(allowed.joined(separator: " or "))",
                           headers: [.allow: allowed.joined(separator: ", ")])
        } catch {
            throw Self.apiError(error, request: request, logger: context.logger)
        }
    }

    static func apiError(_ error: any Error, request: Request, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as CRMError:
            return APIError(error)
        case let error as DecodingError:
            if let (field, value) = invalidChoice(error) {
                return APIError.badParameter(field, value, expected: "one of the values the API document (/openapi.yaml) lists for \(field)")
            }
            return APIError(.badRequest, code: "bad_body", message: "the JSON body does not match: \(describe(error))", field: field(error))
        case let error as ServerError:
            // The spec-first layer: the handler's own error, or what it refused before calling it.
            if error.underlyingError is APIError || error.underlyingError is CRMError {
                return apiError(error.underlyingError, request: request, logger: logger)
            }
            // A body that does not decode is the client's; a DecodingError once the handler runs (a row
            // the store could not read) is ours.
            if error.underlyingError is DecodingError {
                return error.operationInput == nil ? apiError(error.underlyingError, request: request, logger: logger)
                    : internalError(error.underlyingError, request: request, logger: logger)
            }
            if (400..<500).contains(error.httpStatus.code) {
                let code = error.httpStatus == .unsupportedMediaType ? "bad_content_type" : "bad_request"
                return APIError(error.httpStatus, code: code, message: error.causeDescription)
            }
            return internalError(error.underlyingError, request: request, logger: logger)
        case let error as HTTPError where error.status == .contentTooLarge:
            return APIError(.contentTooLarge, code: "too_large", message: "the body is over the limit of \(APIServer.bodyLimit / 1024) KiB")
        case let error as HTTPError:
            return APIError(error.status, code: "http", message: error.body ?? "\(error.status)")
        default:
            return internalError(error, request: request, logger: logger)
        }
    }

    private static func internalError(_ error: any Error, request: Request, logger: Logger) -> APIError {
        logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: type(of: error)))"])
        return APIError(.internalServerError, code: "internal", message: "internal error; see the daemon's log")
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            "field '\(path(context))' must be \(type)"
        case .valueNotFound(let type, let context):
            "field '\(path(context))' must be \(type), not null"
        case .keyNotFound(let key, _):
            "field '\(key.stringValue)' is missing"
        case .dataCorrupted(let context):
            context.codingPath.isEmpty ? "not valid JSON" : "field '\(path(context))': \(context.debugDescription)"
        @unknown default:
            "\(error)"
        }
    }

    /// A string that is not one of an enum's values (`"grade": "Z"`): the field and the value sent.
    private static func invalidChoice(_ error: DecodingError) -> (String, String)? {
        guard case .dataCorrupted(let context) = error, !context.codingPath.isEmpty,
              let range = context.debugDescription.range(of: "from invalid String value ") else { return nil }
        return (path(context), String(context.debugDescription[range.upperBound...]))
    }

    private static func field(_ error: DecodingError) -> String? {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            context.codingPath.isEmpty ? nil : path(context)
        case .keyNotFound(let key, _):
            key.stringValue
        @unknown default:
            nil
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}
