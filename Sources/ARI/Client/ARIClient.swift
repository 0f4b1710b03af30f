import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The Asterisk REST Interface over HTTP with basic auth: channels, bridges, endpoints,
/// recordings and variables. Errors are `ARIError`s carrying Asterisk's message.
public struct ARIClient: Sendable {
    /// Base URL of Asterisk's HTTP server, e.g. `http://127.0.0.1:8088` (`/ari` is added).
    public let baseURL: String
    public let username: String
    private let authorization: String
    private let httpClient: HTTPClient
    private let timeout: TimeAmount

    public init(baseURL: String, username: String, password: String, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(10)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.username = username
        self.authorization = "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
        self.httpClient = httpClient
        self.timeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
    }

    // MARK: Asterisk, channels, endpoints, bridges

    public func asteriskInfo() async throws(ARIError) -> ARIAsteriskInfo { try await call(.GET, "/asterisk/info") }
    public func channels() async throws(ARIError) -> [ARIChannel] { try await call(.GET, "/channels") }
    public func channel(_ id: String) async throws(ARIError) -> ARIChannel { try await call(.GET, "/channels/\(Self.escape(id))") }
    public func endpoints() async throws(ARIError) -> [ARIEndpoint] { try await call(.GET, "/endpoints") }
    public func bridges() async throws(ARIError) -> [ARIBridge] { try await call(.GET, "/bridges") }
    public func bridge(_ id: String) async throws(ARIError) -> ARIBridge { try await call(.GET, "/bridges/\(Self.escape(id))") }

    /// Where an originated channel goes once answered: a Stasis application, or a dialplan extension.
    public enum OriginateTarget: Sendable {
        case application(String, args: [String])
        case dialplan(context: String, extension: String, priority: Int)
    }

    /// Creates a channel to `endpoint` (`Local/13900139000@customers`, `PJSIP/1001`).
    public func originate(endpoint: String, target: OriginateTarget, callerID: String? = nil, timeout: Int? = nil,
                          channelID: String? = nil, otherChannelID: String? = nil,
                          variables: [String: String] = [:]) async throws(ARIError) -> ARIChannel {
        var query: [(String, String)] = [("endpoint", endpoint)]
        switch target {
        case .application(let app, let args):
            query.append(("app", app))
            if !args.isEmpty { query.append(("appArgs", args.joined(separator: ","))) }
        case .dialplan(let context, let exten, let priority):
            query += [("extension", exten), ("context", context), ("priority", String(priority))]
        }
        if let channelID { query.append(("channelId", channelID)) }
        if let otherChannelID { query.append(("otherChannelId", otherChannelID)) }
        if let callerID { query.append(("callerId", callerID)) }
        if let timeout { query.append(("timeout", String(timeout))) }
        let body = variables.isEmpty ? nil : try? JSONSerialization.data(withJSONObject: ["variables": variables], options: [.sortedKeys])
        return try await call(.POST, "/channels", query: query, body: body)
    }

    public func answer(_ channelID: String) async throws(ARIError) { try await send(.POST, "/channels/\(Self.escape(channelID))/answer") }
    public func ring(_ channelID: String) async throws(ARIError) { try await send(.POST, "/channels/\(Self.escape(channelID))/ring") }

    /// Hangs up with a reason (`normal`, `busy`, `congestion`, `no_answer`, …) or a Q.850 cause code.
    public func hangup(_ channelID: String, reason: String? = nil, reasonCode: Int? = nil) async throws(ARIError) {
        let query = (reason.map { [("reason", $0)] } ?? []) + (reasonCode.map { [("reason_code", String($0))] } ?? [])
        try await send(.DELETE, "/channels/\(Self.escape(channelID))", query: query)
    }

    /// Leaves Stasis; the channel goes on in the dialplan where it was.
    public func continueInDialplan(_ channelID: String) async throws(ARIError) {
        try await send(.POST, "/channels/\(Self.escape(channelID))/continue")
    }

    /// Plays `media` (`sound:…`) to the channel.
    public func play(_ channelID: String, media: String, playbackID: String? = nil) async throws(ARIError) -> ARIPlayback {
        try await call(.POST, "/channels/\(Self.escape(channelID))/play", query: [("media", media)] + (playbackID.map { [("playbackId", $0)] } ?? []))
    }

    /// The application's registration (`GET /applications/{name}`); 404 while no event socket registers it.
    public func application(_ name: String) async throws(ARIError) -> ARIApplication {
        try await call(.GET, "/applications/\(Self.escape(name))")
    }

    public func createBridge(type: String = "mixing", name: String? = nil) async throws(ARIError) -> ARIBridge {
        try await call(.POST, "/bridges", query: [("type", type)] + (name.map { [("name", $0)] } ?? []))
    }

    public func addChannels(_ channelIDs: [String], to bridgeID: String) async throws(ARIError) {
        try await send(.POST, "/bridges/\(Self.escape(bridgeID))/addChannel", query: [("channel", channelIDs.joined(separator: ","))])
    }

    public func removeChannel(_ channelID: String, from bridgeID: String) async throws(ARIError) {
        try await send(.POST, "/bridges/\(Self.escape(bridgeID))/removeChannel", query: [("channel", channelID)])
    }

    public func deleteBridge(_ bridgeID: String) async throws(ARIError) { try await send(.DELETE, "/bridges/\(Self.escape(bridgeID))") }

    /// Starts recording a channel to `name.format` in Asterisk's recording directory.
    public func record(_ channelID: String, name: String, format: String = "wav", ifExists: String = "overwrite") async throws(ARIError) -> ARILiveRecording {
        try await call(.POST, "/channels/\(Self.escape(channelID))/record", query: [("name", name), ("format", format), ("ifExists", ifExists)])
    }

    public func setVariable(_ channelID: String, _ variable: String, _ value: String) async throws(ARIError) {
        try await send(.POST, "/channels/\(Self.escape(channelID))/variable", query: [("variable", variable), ("value", value)])
    }

    public func variable(_ channelID: String, _ variable: String) async throws(ARIError) -> String {
        struct Value: Decodable { let value: String }
        let result: Value = try await call(.GET, "/channels/\(Self.escape(channelID))/variable", query: [("variable", variable)])
        return result.value
    }

    // MARK: Transport

    private func send(_ method: HTTPMethod, _ path: String, query: [(String, String)] = []) async throws(ARIError) {
        _ = try await raw(method, path, query: query, body: nil)
    }

    private func call<T: Decodable>(_ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil) async throws(ARIError) -> T {
        let bytes = try await raw(method, path, query: query, body: body)
        do {
            return try JSONDecoder().decode(T.self, from: bytes)
        } catch {
            throw ARIError(status: 200, method: method.rawValue, path: path, message: "unexpected response body: \(error)")
        }
    }

    private func raw(_ method: HTTPMethod, _ path: String, query: [(String, String)], body: Data?) async throws(ARIError) -> Data {
        let target = "/ari" + path + (query.isEmpty ? "" : "?" + query.map { "\($0)=\(Self.escape($1))" }.joined(separator: "&"))
        var request = HTTPClientRequest(url: baseURL + target)
        request.method = method
        request.headers.add(name: "Authorization", value: authorization)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        let data: Data
        do {
            response = try await httpClient.execute(request, timeout: timeout)
            data = Data(try await response.body.collect(upTo: 4 << 20).readableBytesView)
        } catch {
            throw ARIError(status: 0, method: method.rawValue, path: path, message: "\(error)")
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            struct Message: Decodable { let message: String?; let error: String? }
            let message = (try? JSONDecoder().decode(Message.self, from: data)).flatMap { $0.message ?? $0.error }
                ?? response.status.reasonPhrase
            throw ARIError(status: Int(response.status.code), method: method.rawValue, path: path, message: message)
        }
        return data
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (as Asterisk's clients do).
    static func escape(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
