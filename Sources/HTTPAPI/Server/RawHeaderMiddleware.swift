import HTTPTypes
import Hummingbird

/// swift-openapi-runtime writes header values URI-encoded (`bytes%204-7%2F26`), which is right for
/// the headers the document defines as simple strings but wrong for `Content-Range`, whose syntax
/// (RFC 9110) players parse literally. This puts it back as written.
struct RawHeaderMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        if let value = response.headers[.contentRange], value.contains("%"), let decoded = value.removingPercentEncoding {
            response.headers[.contentRange] = decoded
        }
        return response
    }
}
