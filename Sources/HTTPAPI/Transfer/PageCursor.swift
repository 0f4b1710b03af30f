import Foundation

/// The opaque `cursor` of a paged list: where the previous page ended (an id, or a time and an id).
/// Clients pass `nextCursor` back as it came; anything else is a 400 naming `cursor`.
struct PageCursor: Sendable, Hashable {
    let id: Int
    let time: Date?

    init(id: Int, time: Date? = nil) {
        self.id = id
        self.time = time
    }

    /// `nil` when the request has no cursor; throws a 400 when it has one CallDesk did not make.
    init?(parsing raw: String?) throws {
        guard let raw else { return nil }
        let bad = APIError.badParameter("cursor", raw, expected: "the nextCursor of the previous page")
        var base64 = raw.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else { throw bad }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let id = Int(parts[2]), id > 0 else { throw bad }
        if parts[1].isEmpty {
            self.init(id: id)
        } else {
            guard let seconds = Double(parts[1]), seconds.isFinite else { throw bad }
            self.init(id: id, time: Date(timeIntervalSince1970: seconds))
        }
    }

    /// A cursor that must carry a time (a list ordered by time, then id); `nil` when the request has none.
    static func timed(parsing raw: String?) throws -> (Date, Int)? {
        guard let cursor = try PageCursor(parsing: raw) else { return nil }
        guard let time = cursor.time else { throw APIError.badParameter("cursor", raw ?? "", expected: "the nextCursor of the previous page") }
        return (time, cursor.id)
    }

    var encoded: String {
        let text = "v1:\(time.map { "\($0.timeIntervalSince1970)" } ?? ""):\(id)"
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The cursor of a page's last item when the page is full (there may be more), else `nil`.
    static func next<Item>(after items: [Item], limit: Int, _ position: (Item) -> PageCursor) -> String? {
        guard items.count == limit, let last = items.last else { return nil }
        return position(last).encoded
    }
}
