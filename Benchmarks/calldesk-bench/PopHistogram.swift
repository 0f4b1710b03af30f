/// The daemon's `calldesk_screen_pop_seconds` histogram, read from its Prometheus lines: what the
/// pop and scale benchmarks print as the daemon's own view of a pop (event in → card handed to the hub).
enum PopHistogram {
    /// Cumulative count by bucket bound (`le`), from `calldesk_screen_pop_seconds_bucket` lines.
    static func counts(_ lines: [Substring]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for line in lines where line.hasPrefix("calldesk_screen_pop_seconds_bucket") {
            guard let le = line.firstRange(of: #"le=""#).map({ String(line[$0.upperBound...].prefix { $0 != "\"" }) }),
                  let count = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            counts[le] = Int(count)
        }
        return counts
    }

    /// `≤0.0005 s: 475, ≤0.001 s: 514, …`, smallest bound first.
    static func describe(_ counts: [String: Int]) -> String {
        counts.sorted { (Double($0.key) ?? .infinity) < (Double($1.key) ?? .infinity) }.map { "≤\($0.key) s: \($0.value)" }.joined(separator: ", ")
    }
}
