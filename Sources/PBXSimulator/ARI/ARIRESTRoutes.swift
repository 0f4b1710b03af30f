import Foundation
import Hummingbird
import HummingbirdWebSocket

/// The REST resources of the simulated ARI; each request runs on the PBX's event loop.
struct ARIRESTRoutes {
    let pbx: SimulatedPBX

    func register(on ari: RouterGroup<BasicWebSocketRequestContext>) {
        ari.get("asterisk/info") { _, _ in try await reply { _ in .json(Self.info) } }
        ari.get("asterisk/ping") { _, _ in
            try await reply { _ in .json(["ping": "pong", "timestamp": ARIJSON.timestamp(Date()), "asterisk_id": ARIJSON.asteriskID]) }
        }
        ari.get("applications") { _, _ in try await reply { pbx in .json(pbx.registeredApplications.sorted().map { Self.application($0, pbx) }) } }
        ari.get("applications/{app}") { _, context in
            let app = context.parameters.get("app") ?? ""
            return try await reply { pbx throws(SimARIError) in
                guard pbx.registeredApplications.contains(app) else { throw .notFound("Application") }
                return .json(Self.application(app, pbx))
            }
        }
        ari.get("endpoints") { _, _ in try await reply { _ in .json([Any]()) } }
        registerChannels(on: ari)
        registerBridges(on: ari)
    }

    private func registerChannels(on ari: RouterGroup<BasicWebSocketRequestContext>) {
        ari.get("channels") { _, _ in try await reply { pbx in .json(pbx.liveChannels.map(ARIJSON.channel)) } }
        ari.delete("channels") { _, _ in try await reply { _ throws(SimARIError) in throw SimARIError(status: 405, message: "Invalid method") } }
        ari.post("channels") { request, _ in try await originate(request, channelID: nil) }
        ari.post("channels/{id}") { request, context in try await originate(request, channelID: context.parameters.get("id")) }
        ari.get("channels/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            return try await reply { pbx throws(SimARIError) in .json(ARIJSON.channel(try pbx.ariChannel(id))) }
        }
        ari.delete("channels/{id}") { request, context in
            let id = context.parameters.get("id") ?? ""
            let query = request.uri.queryParameters
            let reason = query.get("reason")
            let code = query.get("reason_code").flatMap { Int($0) }
            return try await reply { pbx throws(SimARIError) in try pbx.ariHangup(id, reason: reason, reasonCode: code); return .noContent }
        }
        for (action, operation) in [("answer", SimulatedPBX.ariAnswer), ("ring", SimulatedPBX.ariRing), ("continue", SimulatedPBX.ariContinue)] {
            ari.post("channels/{id}/\(action)") { _, context in
                let id = context.parameters.get("id") ?? ""
                return try await reply { pbx throws(SimARIError) in try operation(pbx)(id); return .noContent }
            }
        }
        ari.get("channels/{id}/variable") { request, context in
            let (id, name) = (context.parameters.get("id") ?? "", request.uri.queryParameters.get("variable"))
            return try await reply { pbx throws(SimARIError) in try pbx.ariVariable(id, name: name) }
        }
        ari.post("channels/{id}/variable") { request, context in
            let id = context.parameters.get("id") ?? ""
            let query = request.uri.queryParameters
            let (name, value) = (query.get("variable"), query.get("value"))
            return try await reply { pbx throws(SimARIError) in try pbx.ariSetVariable(id, name: name, value: value); return .noContent }
        }
        ari.post("channels/{id}/record") { request, context in
            let id = context.parameters.get("id") ?? ""
            let query = request.uri.queryParameters
            let (name, format) = (query.get("name"), query.get("format"))
            return try await reply { pbx throws(SimARIError) in try pbx.ariRecord(id, name: name, format: format) }
        }
        ari.post("channels/{id}/play") { request, context in
            let id = context.parameters.get("id") ?? ""
            let query = request.uri.queryParameters
            let (media, playbackID) = (query.get("media"), query.get("playbackId"))
            return try await reply { pbx throws(SimARIError) in try pbx.ariPlay(id, media: media, playbackID: playbackID) }
        }
    }

    private func registerBridges(on ari: RouterGroup<BasicWebSocketRequestContext>) {
        ari.get("bridges") { _, _ in try await reply { pbx in .json(pbx.ariBridges.values.sorted { $0.createdAt < $1.createdAt }.map(ARIJSON.bridge)) } }
        ari.post("bridges") { request, _ in
            let query = request.uri.queryParameters
            let (type, name, id) = (query.get("type"), query.get("name"), query.get("bridgeId"))
            return try await reply { pbx throws(SimARIError) in try pbx.ariCreateBridge(type: type, name: name, id: id) }
        }
        ari.get("bridges/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            return try await reply { pbx throws(SimARIError) in .json(ARIJSON.bridge(try pbx.ariBridge(id))) }
        }
        ari.delete("bridges/{id}") { _, context in
            let id = context.parameters.get("id") ?? ""
            return try await reply { pbx throws(SimARIError) in try pbx.ariDeleteBridge(id); return .noContent }
        }
        ari.post("bridges/{id}/addChannel") { request, context in
            let id = context.parameters.get("id") ?? ""
            let channels = (request.uri.queryParameters.get("channel") ?? "").split(separator: ",").map(String.init)
            return try await reply { pbx throws(SimARIError) in try pbx.ariAddChannels(channels, to: id); return .noContent }
        }
        ari.post("bridges/{id}/removeChannel") { request, context in
            let id = context.parameters.get("id") ?? ""
            let channel = request.uri.queryParameters.get("channel")
            return try await reply { pbx throws(SimARIError) in try pbx.ariRemoveChannel(channel, from: id); return .noContent }
        }
    }

    private func originate(_ request: Request, channelID: String?) async throws -> Response {
        let query = request.uri.queryParameters
        var originate = SimulatedPBX.ARIOriginate()
        originate.endpoint = query.get("endpoint")
        originate.app = query.get("app")
        originate.appArgs = query.get("appArgs").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        originate.exten = query.get("extension")
        originate.context = query.get("context")
        originate.channelID = channelID ?? query.get("channelId")
        originate.otherChannelID = query.get("otherChannelId")
        originate.callerID = query.get("callerId")
        if let timeout = query.get("timeout") {
            guard let seconds = Double(timeout) else { return SimARIError.badRequest("timeout must be an integer").reply.response }
            originate.timeout = seconds
        }
        let body = try await request.body.collect(upTo: 1 << 20)
        if body.readableBytes > 0 {
            struct Body: Decodable { let variables: [String: String]? }
            guard let decoded = try? JSONDecoder().decode(Body.self, from: Data(buffer: body)) else {
                return SimARIError.badRequest("Request body is not valid JSON").reply.response
            }
            originate.variables = decoded.variables ?? [:]
        }
        let request = originate
        return try await reply { pbx throws(SimARIError) in try pbx.ariOriginate(request) }
    }

    /// Runs `operation` on the PBX's event loop and turns its result or refusal into a response.
    private func reply(_ operation: @escaping @Sendable (SimulatedPBX) throws(SimARIError) -> SimARIReply) async throws -> Response {
        let pbx = pbx
        return try await pbx.eventLoop.submit {
            do throws(SimARIError) { return try operation(pbx).response } catch { return error.reply.response }
        }.get()
    }

    private static func application(_ name: String, _ pbx: SimulatedPBX) -> [String: Any] {
        let channels = pbx.liveChannels.filter { $0.stasisApp == name || $0.ariOwner == name }.map(\.uniqueID)
        return ["name": name, "channel_ids": channels, "bridge_ids": [String](), "endpoint_ids": [String](), "device_names": [String](),
                "events_allowed": [Any](), "events_disallowed": [Any]()]
    }

    private static var info: [String: Any] {
        [
        "build": ["os": "Linux", "kernel": "", "machine": "x86_64", "options": "", "date": "", "user": "calldesk"],
        "system": ["version": "CallDesk-PBXSimulator", "entity_id": ARIJSON.asteriskID],
        "config": ["name": "", "default_language": "en", "setid": ["user": "asterisk", "group": "asterisk"]],
        "status": ["startup_time": ARIJSON.timestamp(Date()), "last_reload_time": ARIJSON.timestamp(Date())],
        ]
    }
}
