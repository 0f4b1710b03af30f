/// The users an import may name as owners, by exact name. A name that matches nobody is answered
/// with the closest user's name (`王 芳` → 王芳), so the reject file says what was probably meant.
struct OwnerDirectory: Sendable {
    private let ids: [String: Int]

    init(users: [User]) {
        ids = Dictionary(users.map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
    }

    func id(of name: String) -> Int? { ids[name] }

    /// The existing user whose name is nearest to `name` (fewest edits, spaces and case aside).
    func closest(to name: String) -> String? {
        let wanted = Array(CustomerImporter.comparableName(name))
        func rank(_ candidate: String) -> (Int, Int, String) {
            (Self.distance(wanted, Array(CustomerImporter.comparableName(candidate))), Self.distance(Array(name), Array(candidate)), candidate)
        }
        return ids.keys.min { rank($0) < rank($1) }
    }

    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
