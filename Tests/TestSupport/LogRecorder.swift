import Logging
import Synchronization

/// A log handler that keeps every line it is given, with metadata, so a test can read what was logged.
public final class LogRecorder: LogHandler, Sendable {
    private let storage = Mutex<[String]>([])
    private let state = Mutex<(metadata: Logger.Metadata, level: Logger.Level)>(([:], .trace))

    public init() {}

    public var metadata: Logger.Metadata {
        get { state.withLock { $0.metadata } }
        set { state.withLock { $0.metadata = newValue } }
    }

    public var logLevel: Logger.Level {
        get { state.withLock { $0.level } }
        set { state.withLock { $0.level = newValue } }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Every line so far: level, message, metadata and error.
    public var lines: [String] { storage.withLock { $0 } }

    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        storage.withLock { $0.append("\(event.level) \(event.message) \(all)\(event.error.map { " \($0)" } ?? "")") }
    }

    /// A logger at trace level writing here.
    public func logger(label: String = "recorded") -> Logger {
        var logger = Logger(label: label) { _ in self }
        logger.logLevel = .trace
        return logger
    }
}
