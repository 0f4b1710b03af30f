import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A loopback HTTP server answering ARI requests with the exact bytes a real Asterisk sent.
///
/// Each recorded exchange answers one request with the same method, path, query parameters
/// (in any order) and Authorization header; unmatched requests get a 404 naming the request.
public final class ARIHTTPReplayServer: Sendable {
    /// One recorded request and the raw response bytes it got.
    public struct Exchange: Sendable {
        public let method: String
        public let path: String
        public let query: Set<String>
        public let authorization: String?
        public let body: String
        public let response: [UInt8]

        /// Parses the raw request text (request line, headers, body) as recorded.
        public init(rawRequest: String, rawResponse: [UInt8]) {
            let head = rawRequest.components(separatedBy: "\r\n\r\n").first ?? ""
            body = rawRequest.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
            let lines = head.components(separatedBy: "\r\n")
            let parts = (lines.first ?? "").split(separator: " ")
            method = parts.first.map(String.init) ?? ""
            let target = parts.dropFirst().first.map(String.init) ?? ""
            path = String(target.split(separator: "?", maxSplits: 1).first ?? "")
            query = Set(target.split(separator: "?", maxSplits: 1).dropFirst().first?.split(separator: "&").map(String.init) ?? [])
            authorization = lines.dropFirst().first { $0.lowercased().hasPrefix("authorization:") }
                .map { String($0.dropFirst("authorization:".count)).trimmingCharacters(in: .whitespaces) }
            response = rawResponse
        }

        func matches(method: String, target: String, authorization: String?) -> Bool {
            let path = String(target.split(separator: "?", maxSplits: 1).first ?? "")
            let query = Set(target.split(separator: "?", maxSplits: 1).dropFirst().first?.split(separator: "&").map(String.init) ?? [])
            return self.method == method && self.path == path && self.query == query && self.authorization == authorization
        }
    }

    private let channel: any Channel
    private let received: NIOLockedValueBox<[String]>

    public static func start(exchanges: [Exchange], group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> ARIHTTPReplayServer {
        let remaining = NIOLockedValueBox(exchanges)
        let received = NIOLockedValueBox<[String]>([])
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
                    try channel.pipeline.syncOperations.addHandler(ReplayHTTPHandler(remaining: remaining, received: received))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ARIHTTPReplayServer(channel: channel, received: received)
    }

    private init(channel: any Channel, received: NIOLockedValueBox<[String]>) {
        self.channel = channel
        self.received = received
    }

    public var baseURL: String { "http://127.0.0.1:\(channel.localAddress?.port ?? 0)" }

    /// Request lines received so far (`POST /ari/channels?…`).
    public var requests: [String] { received.withLockedValue { $0 } }

    public func close() async { try? await channel.close() }
}

/// Answers one HTTP request with a recorded response, then closes (the recordings say `Connection: close`).
final class ReplayHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer
    private let remaining: NIOLockedValueBox<[ARIHTTPReplayServer.Exchange]>
    private let received: NIOLockedValueBox<[String]>
    private var head: HTTPRequestHead?

    init(remaining: NIOLockedValueBox<[ARIHTTPReplayServer.Exchange]>, received: NIOLockedValueBox<[String]>) {
        self.remaining = remaining
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            let method = head.method.rawValue, authorization = head.headers.first(name: "Authorization")
            received.withLockedValue { $0.append("\(method) \(head.uri)") }
            let response: [UInt8] = remaining.withLockedValue { list in
                guard let index = list.firstIndex(where: { $0.matches(method: method, target: head.uri, authorization: authorization) }) else {
                    let body = #"{"message":"replay: nothing recorded for \#(method) \#(head.uri)"}"#
                    return Array("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8)
                }
                return list.remove(at: index).response
            }
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: response))).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
