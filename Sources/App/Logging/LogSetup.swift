import Logging
import Synchronization

/// Sends swift-log output to standard error at the configured level (`LazyMetadataLogHandler`); only
/// the first call counts (swift-log may be bootstrapped once per process).
public enum LogSetup {
    private static let done = Mutex(false)

    public static func bootstrap(level: Logger.Level) {
        let first = done.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        LoggingSystem.bootstrap { label in
            var handler = LazyMetadataLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = level
            return handler
        }
    }
}
