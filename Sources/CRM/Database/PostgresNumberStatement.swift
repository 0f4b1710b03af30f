import PostgresKit

/// A PostgreSQL prepared statement asked of one phone number (E.164), its only parameter.
protocol PostgresNumberStatement: PostgresPreparedStatement {
    var e164: String { get }
}

extension PostgresNumberStatement {
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(e164)
        return bindings
    }
}
