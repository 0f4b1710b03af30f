import Foundation
import Hummingbird
import HummingbirdWebSocket

/// `GET /ari/events?app=a[,b]` as a WebSocket: registers the applications while connected and
/// sends them their events as JSON text frames.
struct ARIEventsRoute {
    let pbx: SimulatedPBX

    func register(on ari: RouterGroup<BasicWebSocketRequestContext>) {
        ari.ws("events") { request, _ in
            guard let apps = request.uri.queryParameters.get("app"), !apps.isEmpty else {
                throw SimARIError.badRequest("Missing parameter app")
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            let apps = (context.request.uri.queryParameters.get("app") ?? "").split(separator: ",").map(String.init)
            let (events, continuation) = AsyncStream.makeStream(of: String.self)
            let pbx = pbx
            let handles = try await pbx.eventLoop.submit {
                apps.map { app in pbx.addARIListener(app: app) { continuation.yield($0) } }
            }.get()
            context.logger.info("ARI application connected", metadata: ["apps": "\(apps.joined(separator: ","))"])
            try? await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await text in events { try await outbound.write(.text(text)) }
                }
                for try await _ in inbound {}
                group.cancelAll()
            }
            continuation.finish()
            try? await pbx.eventLoop.submit { handles.forEach(pbx.removeARIListener) }.get()
            context.logger.info("ARI application disconnected", metadata: ["apps": "\(apps.joined(separator: ","))"])
        }
    }
}
