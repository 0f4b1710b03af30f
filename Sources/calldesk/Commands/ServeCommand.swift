import ArgumentParser
import CRM
import App
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: follow the PBX over AMI, keep the call log, pop cards, serve the HTTP API.",
        discussion: """
            Listens on http.host:http.port (127.0.0.1:8080 by default). SIGTERM or Ctrl-C stops it gracefully: the call \
            logs write what they hold, for at most general.stop_timeout_seconds (30 by default).
            """)
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let config = try await options.load()
        let store = try await options.openStore(config)
        let logger = Logger(label: "calldesk")
        if !AllocatorSettings.fixMmapThreshold() {
            logger.notice("the C allocator's mmap threshold was not fixed (no glibc, or it refused): resident memory may creep as large buffers settle in its arenas")
        }
        logger.info("starting", metadata: ["config": "\(config)"])
        let daemon = try CallDeskDaemon(config: config, store: store) { port in
            logger.info("HTTP API listening", metadata: ["url": "http://\(config.httpHost):\(port)"])
        }
        let group = ServiceGroup(configuration: daemon.groupConfiguration(
            signals: [.sigterm, .sigint], stopTimeout: .seconds(config.stopTimeoutSeconds), logger: logger))
        do {
            try await group.run()
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}
