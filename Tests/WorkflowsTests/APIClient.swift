import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A plain HTTP client for the daemon's API in tests: status, headers and body of each answer.
struct APIClient: Sendable {
    let port: Int

    struct Answer: Sendable {
        let status: Int
        let headers: HTTPHeaders
        let body: String

        /// The body as JSON (an object).
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { throw NotAnObject(body: body) }
            return object
        }

        /// `items` of a page.
        func items() throws -> [[String: Any]] { try json()["items"] as? [[String: Any]] ?? [] }
    }

    struct NotAnObject: Error { let body: String }

    func send(_ path: String, token: String? = nil, method: HTTPMethod = .GET, body: String? = nil,
              contentType: String = "application/json", headers: [(String, String)] = []) async throws -> Answer {
        try await send(path, token: token, method: method, bytes: body.map { Array($0.utf8) }, contentType: contentType, headers: headers)
    }

    /// Sends `bytes` as they are (a file in another encoding).
    func send(_ path: String, token: String? = nil, method: HTTPMethod = .GET, bytes body: [UInt8]?,
              contentType: String = "application/json", headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 4 << 20)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }
}
