/// Errors of the CRM store, each saying what failed, with which input, and what to do.
public enum CRMError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidDatabaseURL(url: String, reason: String)
    case databaseUnavailable(location: String, underlying: String)
    case migrationFailed(version: Int, name: String, underlying: String)
    case schemaTooNew(databaseVersion: Int, knownVersion: Int)
    case notFound(entity: String, id: String)
    case invalidInput(field: String, value: String, reason: String)
    case conflict(String)
    /// The user may not see or change this record.
    case forbidden(String)

    public var description: String {
        switch self {
        case .invalidDatabaseURL(let url, let reason):
            "database.url '\(url)' is not usable: \(reason)"
        case .databaseUnavailable(let location, let underlying):
            "cannot reach the database at \(location): \(underlying). Check database.url and that the server is running."
        case .migrationFailed(let version, let name, let underlying):
            "migration \(version) (\(name)) failed and was rolled back: \(underlying)"
        case .schemaTooNew(let databaseVersion, let knownVersion):
            "the database schema is at version \(databaseVersion) but this CallDesk knows only up to \(knownVersion); upgrade CallDesk"
        case .notFound(let entity, let id):
            "no \(entity) with id \(id)"
        case .invalidInput(let field, let value, let reason):
            "\(field) '\(value)' is invalid: \(reason)"
        case .conflict(let message), .forbidden(let message):
            message
        }
    }
}
