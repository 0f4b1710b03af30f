import NIOCore
import PostgresKit
import SQLiteKit

/// Whether retrying a failed database call can help: the call log retries transient failures and
/// sets permanent ones aside, so one bad write never blocks the ones behind it.
public enum DatabaseFailure: Sendable, Hashable {
    /// The database could not be reached or was busy (refused, timed out, restarting, locked): retry.
    case transient
    /// The database refused the statement itself (a constraint, bad data, a schema mismatch): retrying gives the same answer.
    case permanent
    /// Neither is known; retried a few times, then treated as permanent.
    case unknown
}

extension CRMDatabase {
    /// Sorts a failed call's error into transient or permanent.
    public static func classify(_ error: any Error) -> DatabaseFailure {
        switch error {
        case let error as CRMError:
            switch error {
            case .databaseUnavailable, .conflict: return .transient
            case .invalidInput, .notFound, .forbidden, .schemaTooNew: return .permanent
            default: return .unknown
            }
        case let error as PSQLError:
            guard error.code == .server else {
                return error.code == .tooManyParameters || error.code == .messageDecodingFailure ? .permanent : .transient
            }
            // SQLSTATE classes: 08 connection, 40 rollback (serialization, deadlock), 53 resources, 57 operator (shutdown), 58 system.
            let sqlState = error.serverInfo?[.sqlState] ?? ""
            return ["08", "40", "53", "57", "58"].contains(String(sqlState.prefix(2))) ? .transient : .permanent
        case let error as SQLiteError:
            // Extended result codes (`constraintForeignKeyFailed`, `busyTimeout`, `ioErrorFailedWrite`) share their base code's name.
            let reason = "\(error.reason)"
            if ["busy", "locked", "ioError", "full", "cantOpen", "interrupt"].contains(where: reason.hasPrefix) { return .transient }
            if ["constraint", "mismatch", "tooBig", "range", "error"].contains(where: reason.hasPrefix) { return .permanent }
            return .unknown
        case let error as SQLiteReadFailure:
            return error.isTransient ? .transient : .permanent
        case is DecodingError, is EncodingError:
            return .permanent
        case is ChannelError, is IOError, is CancellationError:
            return .transient
        default:
            return .unknown
        }
    }
}
