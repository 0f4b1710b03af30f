import Hummingbird

/// Reads a request's body up to `limit` bytes before any handler sees it: a larger one (by its
/// `Content-Length`, or as it streams in) is answered 413, never half-read into a handler. Upload
/// routes (a customer CSV) have a larger limit of their own.
struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limit: Int
    /// Paths taking files, and their limit.
    var uploads: [String: Int] = [:]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let limit = request.method == .post ? uploads[request.uri.path] ?? limit : limit
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw HTTPError(.contentTooLarge)
        }
        var request = request
        _ = try await request.collectBody(upTo: limit)
        return try await next(request, context)
    }
}
