import Hummingbird

/// Reads a request's body up to `limit` bytes before any handler sees it: a larger one (by its
/// `Content-Length`, or as it streams in) is answered 413, never half-read into a handler.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw HTTPError(.contentTooLarge)
        }
        var request = request
        _ = try await request.collectBody(upTo: limit)
        return try await next(request, context)
    }
}
