import Hummingbird

/// Checks a request's path and query parameters against the OpenAPI document's rules before the
/// handler runs, so that a wrong one gets a 400 that names it and says what it takes.
struct ParameterCheckMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let rules: ParameterRules

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let template = context.endpointPath {
            try rules.check(method: request.method.rawValue, template: template) { rule in
                rule.location == .path ? context.parameters.get(rule.name) : request.uri.queryParameters.get(rule.name)
            }
        }
        return try await next(request, context)
    }
}
