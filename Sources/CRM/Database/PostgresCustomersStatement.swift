import PostgresKit

/// A PostgreSQL prepared statement asked of a list of customer ids, its only parameter.
protocol PostgresCustomersStatement: PostgresPreparedStatement {
    var ids: [Int] { get }
}

extension PostgresCustomersStatement {
    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(ids)
        return bindings
    }
}
