import Foundation

/// A bridge created over ARI (`POST /bridges`): it lives until deleted, whoever leaves it.
final class SimARIBridge {
    let id: String
    let name: String
    let type: String
    let createdAt = Date()
    var channels: [SimChannel] = []

    init(id: String, name: String, type: String) {
        self.id = id
        self.name = name
        self.type = type
    }
}
