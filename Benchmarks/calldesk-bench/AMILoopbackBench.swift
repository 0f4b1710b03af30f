import AMI
import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import PBXMonitor
import Workflows

/// End-to-end: a local server blasts real events over loopback TCP to an `AMIClient` subscriber.
struct AMILoopbackBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ami-loopback",
                                                    abstract: "AMI events/s over loopback: socket → subscriber, → call tracker, → call coordinator.")

    @OptionGroup var stream: AMIStreamOptions
    @Option(help: "What consumes the events: subscriber (counts them), tracker (folds them into calls), coordinator (the call log's decisions), or all")
    var through = "all"
    @Flag(help: "One stream element per event instead of one per socket read") var unbatched = false
    @Flag(help: "Consume on the client's own event loop (its task executor), as the call log's coordinator runs in the daemon")
    var onClientLoop = false

    func run() async throws {
        let consumers = through == "all" ? ["subscriber", "tracker", "coordinator"] : [through]
        for consumer in consumers { try await measure(consumer) }
    }

    private func measure(_ consumer: String) async throws {
        let (payload, perCopy, copies) = try stream.payload(defaultEvents: 1_000_000)
        let total = copies * perCopy
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(AMIDecoder(expectBanner: false)))
                    try channel.pipeline.syncOperations.addHandler(BlastHandler(payload: payload))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let client = AMIClient(configuration: AMIClientConfiguration(pbx: "bench", port: server.localAddress!.port!, username: "bench",
                                                                     secret: "bench", authType: .plain, eventMask: "on"),
                               logger: logger)
        let subscription = client.events(bufferSize: 100_000, batched: !unbatched)
        var sink = EventSink(consumer: consumer)
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await client.run() }
            let start = await withTaskExecutorPreference(onClientLoop ? client.taskExecutor : nil) {
                var start: ContinuousClock.Instant?
                for await element in subscription {
                    if case .connected = element { start = .now }
                    sink.take(element)
                    if sink.received + sink.overflow >= total { break }
                }
                return start
            }
            let (received, overflow, outputs) = (sink.received, sink.overflow, sink.outputs)
            let elapsed = (ContinuousClock.now - (start ?? .now)).seconds
            print(String(format: "[ami-loopback] %d events over TCP → %@%@ (%@): %.0f events/s, %.1f MB/s (%.2f s, %d dropped, %d outputs)",
                         received, consumer, onClientLoop ? " on the client's loop" : "", unbatched ? "one element per event" : "one element per read", Double(received) / elapsed,
                         Double(payload.readableBytes) / elapsed / 1e6, elapsed, overflow, outputs))
            group.cancelAll()
        }
        try await server.close()
    }
}

/// Greets like Asterisk, accepts any login, then writes the whole payload.
final class BlastHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AMIFrame
    typealias OutboundOut = ByteBuffer
    let payload: ByteBuffer

    init(payload: ByteBuffer) { self.payload = payload }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "Asterisk Call Manager/13.0.0\r\n")), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .message(let action) = unwrapInboundIn(data) else { return }
        let id = action.actionID ?? ""
        switch action["Action"] {
        case "Login":
            context.write(wrapOutboundOut(AMIMessage(["Response": "Success", "ActionID": id, "Message": "Authentication accepted"]).wireBytes), promise: nil)
            context.writeAndFlush(wrapOutboundOut(payload), promise: nil)
        case "Logoff":
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(AMIMessage(["Response": "Goodbye", "ActionID": id]).wireBytes)).whenComplete { _ in
                channel.close(promise: nil)
            }
        default:
            context.writeAndFlush(wrapOutboundOut(AMIMessage(["Response": "Success", "ActionID": id]).wireBytes), promise: nil)
        }
    }
}

/// The consumer side of the link, as the call log's loop is: counts, or feeds the tracker or the coordinator.
struct EventSink {
    let consumer: String
    var tracker = CallTracker(pbx: "bench")
    var coordinator = CallCoordinator(pbx: "bench", configuration: CallLogConfiguration(), directory: AgentDirectory([]))
    var received = 0
    var overflow = 0
    var outputs = 0

    init(consumer: String) { self.consumer = consumer }

    mutating func take(_ element: AMIStreamElement) {
        switch element {
        case .event(let event): take([event])
        case .events(let events): take(events)
        case .overflow(_, let dropped): overflow += dropped
        default: break
        }
    }

    private mutating func take(_ events: [AMIEvent]) {
        received += events.count
        switch consumer {
        case "tracker":
            // As the call coordinator reads a batch: in place, no event copied.
            events.withUnsafeBufferPointer { batch in
                for index in batch.indices { outputs &+= tracker.handle(batch[index].message, receivedAt: batch[index].receivedAt).count }
            }
        case "coordinator":
            outputs &+= coordinator.handle(.events(events)).count
        default:
            break
        }
    }
}
