import CRM
import Foundation
import HTTPTypes
import Hummingbird

/// The pages CallDesk serves itself (no build step, no CDN): the login page at `/`, the agent
/// console at `/console`, the supervisor wallboard at `/wallboard`, the reports at `/reports`, their scripts and stylesheet
/// under `/assets/`, and the session they keep in an HttpOnly, SameSite=Strict cookie
/// (`POST /session` signs in through the API's login, `POST /session/logout` revokes the token).
struct PageRoutes {
    /// A page or asset: its bytes and content type.
    struct Asset: Sendable {
        let bytes: ByteBuffer
        let contentType: String
    }

    let api: CallDeskAPI
    let store: CRMStore
    let assets: [String: Asset]
    /// The session cookie's attributes: `Secure` added when browsers come over HTTPS.
    let cookieAttributes: String

    init(api: CallDeskAPI, store: CRMStore, secureCookie: Bool) throws {
        self.api = api
        self.store = store
        cookieAttributes = "Path=/; HttpOnly; SameSite=Strict" + (secureCookie ? "; Secure" : "")
        guard let folder = Bundle.module.url(forResource: "Assets", withExtension: nil) else { throw PagesMissing() }
        var assets: [String: Asset] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let type = switch (file as NSString).pathExtension {
            case "html": "text/html; charset=utf-8"
            case "js": "text/javascript; charset=utf-8"
            case "css": "text/css; charset=utf-8"
            default: "application/octet-stream"
            }
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            assets[file] = Asset(bytes: ByteBuffer(bytes: data), contentType: type)
        }
        self.assets = assets
    }

    func register(on router: Router<APIRequestContext>, sessionMiddleware: some RouterMiddleware<APIRequestContext>) {
        for (path, file) in [("/", "login.html"), ("console", "console.html"), ("wallboard", "wallboard.html"), ("reports", "reports.html")] {
            router.get(RouterPath(path)) { _, _ in try serve(file) }
        }
        router.get("assets/{file}") { _, context in try serve(context.parameters.get("file") ?? "") }
        let session = router.group("session").add(middleware: sessionMiddleware)
        session.post { request, context in try await signIn(request, context) }
        session.post("logout") { request, _ in try await signOut(request) }
    }

    private func serve(_ file: String) throws -> Response {
        guard let asset = assets[file] else { throw APIError(.notFound, code: "not_found", message: "no such page") }
        return Response(status: .ok, headers: [.contentType: asset.contentType, .cacheControl: "no-cache",
                                               .init("X-Content-Type-Options")!: "nosniff", .init("X-Frame-Options")!: "DENY"],
                        body: .init(byteBuffer: asset.bytes))
    }

    private struct Credentials: Decodable { let name: String; let password: String }

    private func signIn(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 16 * 1024)
        guard let credentials = try? JSONDecoder().decode(Credentials.self, from: Data(buffer: body)) else {
            throw APIError.badField("body", "must be {\"name\": …, \"password\": …}")
        }
        let output = try await api.login(.init(body: .json(.init(name: credentials.name, password: credentials.password))))
        guard case .ok(let ok) = output, case .json(let login) = ok.body else { throw APIError(.internalServerError, code: "internal", message: "internal error") }
        let seconds = max(60, Int(login.expiresAt.timeIntervalSinceNow))
        let user = ["user": ["id": "\(login.user.id)", "name": login.user.name, "role": login.user.role.rawValue]]
        var response = try Response.json(user, status: .ok)
        response.headers[.setCookie] = "\(TokenAuthenticator.cookie)=\(login.token); Max-Age=\(seconds); \(cookieAttributes)"
        return response
    }

    private func signOut(_ request: Request) async throws -> Response {
        if let token = TokenAuthenticator.sessionCookie(in: request), let user = try await store.user(forToken: token) {
            try await store.revokeToken(value: token, actor: user.id)
        }
        var response = Response(status: .noContent)
        response.headers[.setCookie] = "\(TokenAuthenticator.cookie)=; Max-Age=0; \(cookieAttributes)"
        return response
    }
}

/// The pages were not packaged with the server.
struct PagesMissing: Error, CustomStringConvertible {
    var description: String { "the pages (Sources/HTTPAPI/Pages/Assets) are missing from the build" }
}
