import Logging
import Synchronization

/// Sends swift-log output to standard error at the configured level; only the first call counts
/// (swift-log may be bootstrapped once per process).
enum LogSetup {
    private static let done = Mutex(false)

    static func bootstrap(level: Logger.Level) {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
