import Foundation
import Secrets

/// Where the CRM lives, parsed from `database.url`: an SQLite file or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    /// An SQLite file; relative paths are resolved against the working directory.
    case sqlite(path: String)
    /// A PostgreSQL URL (`postgres://user:pw@host:port/db`); `schema` selects a search path when set.
    case postgres(url: String, schema: String?)

    /// Parses `sqlite:///abs/path.sqlite`, `sqlite://relative.sqlite` or `postgres://user:pw@host:port/db`.
    public init(url: String) throws(CRMError) {
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw CRMError.invalidDatabaseURL(url: url, reason: "no file path after sqlite://")
            }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: url), components.host?.isEmpty == false else {
                throw CRMError.invalidDatabaseURL(url: Redaction.url(url), reason: "expected postgres://user:password@host:port/database")
            }
            let schema = components.queryItems?.first(where: { $0.name == "schema" })?.value
            self = .postgres(url: url, schema: schema)
        } else {
            throw CRMError.invalidDatabaseURL(
                url: Redaction.url(url),
                reason: "allowed: sqlite:///absolute/path.sqlite, sqlite://relative.sqlite, postgres://user:password@host:port/database"
            )
        }
    }

    /// The location as safe to print: a PostgreSQL password is replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite://\(path)"
        case .postgres(let url, _): Redaction.url(url)
        }
    }
}
