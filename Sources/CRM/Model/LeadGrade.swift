import Foundation

/// How soon a lead is expected to buy: A within 3 months, B within 6, C later (marketing pool).
public enum LeadGrade: String, Sendable, Codable, CaseIterable, Comparable {
    case a = "A", b = "B", c = "C"

    /// Accepts `A`, `a`, `A级`, `A类` and surrounding spaces.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let letter = trimmed.hasSuffix("级") || trimmed.hasSuffix("类") ? String(trimmed.dropLast()) : trimmed
        self.init(rawValue: letter)
    }

    public static func < (lhs: LeadGrade, rhs: LeadGrade) -> Bool { lhs.rawValue < rhs.rawValue }
}
