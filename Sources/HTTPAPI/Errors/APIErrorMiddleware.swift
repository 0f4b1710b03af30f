import CRM
import Hummingbird
import Logging

/// Turns every failure into an `APIError` response: store errors by kind, malformed JSON bodies as
/// 400, anything unexpected as a logged 500 that reveals nothing inside.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as CRMError {
            throw APIError(error)
        } catch let error as DecodingError {
            throw APIError(.badRequest, code: "bad_body", message: "the JSON body does not match: \(Self.describe(error))")
        } catch let error as HTTPError {
            throw APIError(error.status, code: "http", message: error.body ?? "\(error.status)")
        } catch {
            context.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, code: "internal", message: "internal error; see the daemon's log")
        }
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

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}
