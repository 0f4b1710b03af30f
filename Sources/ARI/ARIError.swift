/// An ARI request that Asterisk refused, with its status and Asterisk's message.
public struct ARIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the status means for the caller.
    public enum Kind: Sendable, Hashable {
        /// 400, 422: the request is missing or has a wrong parameter.
        case badRequest
        /// 401: wrong or no credentials (check ari.username / ari.password and ari.conf).
        case unauthorized
        /// 404: no such channel, bridge or resource.
        case notFound
        /// 405: this resource does not take this method.
        case methodNotAllowed
        /// 409: the object is in the wrong state (e.g. channel not in a Stasis application).
        case conflict
        /// 5xx: Asterisk failed.
        case serverError
        /// The request never got an answer (connection refused, timeout).
        case transport
        case other
    }

    public let kind: Kind
    public let status: Int
    public let method: String
    public let path: String
    /// Asterisk's `message` (or `error`) text, or the transport error.
    public let message: String

    init(status: Int, method: String, path: String, message: String) {
        self.status = status
        self.method = method
        self.path = path
        self.message = message
        switch status {
        case 400, 422: kind = .badRequest
        case 401: kind = .unauthorized
        case 404: kind = .notFound
        case 405: kind = .methodNotAllowed
        case 409: kind = .conflict
        case 500...599: kind = .serverError
        case 0: kind = .transport
        default: kind = .other
        }
    }

    public var description: String {
        status == 0 ? "ARI \(method) \(path) failed: \(message)" : "ARI \(method) \(path) answered \(status): \(message)"
    }
}
