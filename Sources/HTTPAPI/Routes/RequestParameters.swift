import Foundation
import Hummingbird

/// Typed reading of path and query parameters, each failure naming the parameter and what it takes.
struct RequestParameters {
    let request: Request
    let context: APIRequestContext
    let timeZone: TimeZone

    func pathInt(_ name: String) throws -> Int {
        let raw = context.parameters.get(name) ?? ""
        guard let value = Int(raw), value > 0 else { throw APIError.badParameter(name, raw, expected: "a positive integer id") }
        return value
    }

    func int(_ name: String, range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let raw = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Int(raw), range.map({ $0.contains(value) }) ?? true else {
            throw APIError.badParameter(name, raw, expected: range.map { "an integer from \($0.lowerBound) to \($0.upperBound)" } ?? "an integer")
        }
        return value
    }

    /// One of the vocabulary's values, by its name (`inbound`, `no_answer`).
    func choice<Value: RawRepresentable & CaseIterable>(_ name: String, of type: Value.Type) throws -> Value? where Value.RawValue == String {
        guard let raw = request.uri.queryParameters.get(name) else { return nil }
        guard let value = Value(rawValue: raw) else {
            throw APIError.badParameter(name, raw, expected: "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }

    /// `2026-11-22` (midnight in the call center's time zone) or a full ISO 8601 time.
    func date(_ name: String) throws -> Date? {
        guard let raw = request.uri.queryParameters.get(name) else { return nil }
        if let date = try? Date(raw, strategy: .iso8601) { return date }
        let parts = raw.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        if parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2], (1...12).contains(month), (1...31).contains(day) {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            if let date = calendar.date(from: DateComponents(year: year, month: month, day: day)) { return date }
        }
        throw APIError.badParameter(name, raw, expected: "a date like 2026-11-22 or a time like 2026-11-22T09:30:00+08:00")
    }
}
