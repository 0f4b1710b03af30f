/// What the simulated ARI answers a request with: a status and an optional JSON body, or an
/// error in Asterisk's words (`{"message": …}`).
struct SimARIReply: Sendable {
    let status: Int
    let body: String?

    static func json(_ object: Any, status: Int = 200) -> SimARIReply { SimARIReply(status: status, body: ARIJSON.text(object)) }
    static let noContent = SimARIReply(status: 204, body: nil)
}

/// A request the simulated Asterisk refuses, with the status and message the real one gives.
struct SimARIError: Error, Sendable {
    let status: Int
    let message: String
    /// Asterisk answers some failures with `{"error": …}` instead of `{"message": …}`.
    var key = "message"

    static func notFound(_ what: String) -> SimARIError { SimARIError(status: 404, message: "\(what) not found") }
    static func badRequest(_ message: String) -> SimARIError { SimARIError(status: 400, message: message) }
    static func unprocessable(_ message: String) -> SimARIError { SimARIError(status: 422, message: message) }
    static func conflict(_ message: String) -> SimARIError { SimARIError(status: 409, message: message) }

    var reply: SimARIReply { SimARIReply(status: status, body: ARIJSON.text([key: message])) }
}
