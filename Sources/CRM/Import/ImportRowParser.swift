import Foundation
import Telephony

/// Validates one CSV row into a customer to create; the first problem found is the row's reject reason.
struct ImportRowParser: Sendable {
    let positions: [ImportColumn: Int]
    let normalizer: PhoneNormalizer

    struct Row: Sendable {
        var name: String
        var kind: CustomerKind
        var source: String?
        var owner: String?
        var phones: [(raw: String, number: PhoneNumber)]
        var grade: LeadGrade?
        var vehicle: NewVehicle?
        var policyExpiry: String?
    }

    func parse(_ fields: [String]) -> Result<Row, ImportRejection> {
        func value(_ column: ImportColumn) -> String? {
            guard let index = positions[column], index < fields.count else { return nil }
            let trimmed = fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        guard let name = value(.name) else { return .failure(.init("name (姓名) is empty")) }

        var phones: [(raw: String, number: PhoneNumber)] = []
        for column in [ImportColumn.mobile, .phone] {
            guard let cell = value(column) else { continue }
            for raw in Self.splitPhones(cell) {
                switch normalizer.normalize(raw) {
                case .number(let number):
                    if !phones.contains(where: { $0.number == number }) { phones.append((raw, number)) }
                case .internalExtension(let ext):
                    return .failure(.init("phone '\(raw)' is an internal extension (\(ext)), not a customer number"))
                case .noNumber(let reason):
                    return .failure(.init("phone '\(raw)' is not a phone number: \(reason)"))
                }
            }
        }
        guard !phones.isEmpty else { return .failure(.init("no phone (电话/手机)")) }

        var grade: LeadGrade?
        if let text = value(.grade) {
            guard let parsed = LeadGrade(parsing: text) else {
                return .failure(.init("grade (等级) '\(text)' is not A, B or C"))
            }
            grade = parsed
        }
        var kind = CustomerKind.individual
        if let text = value(.kind) {
            guard let parsed = Self.kind(text) else {
                return .failure(.init("kind '\(text)' is not individual, company or dealer"))
            }
            kind = parsed
        }
        var expiry: String?
        if let text = value(.policyExpiry) {
            guard let date = Self.isoDate(text) else {
                return .failure(.init("policy expiry (保险到期) '\(text)' is not a date like 2026-03-31"))
            }
            expiry = date
        }
        var vin: String?
        if let text = value(.vin) {
            let upper = text.uppercased()
            guard Self.isValidVIN(upper) else {
                return .failure(.init("VIN (车架号) '\(text)' is not 17 letters and digits without I, O or Q"))
            }
            vin = upper
        }
        let model = value(.model), plate = value(.plate)
        var vehicle: NewVehicle?
        if vin != nil || model != nil || plate != nil {
            vehicle = NewVehicle(vin: vin, model: model, plate: plate, policyExpiry: expiry)
        }
        return .success(Row(name: name, kind: kind, source: value(.source), owner: value(.owner), phones: phones,
                            grade: grade, vehicle: vehicle, policyExpiry: vehicle == nil ? expiry : nil))
    }

    static func splitPhones(_ cell: String) -> [String] {
        cell.split(whereSeparator: { ";；/、，|".contains($0) || $0 == "," }).map(String.init)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func kind(_ text: String) -> CustomerKind? {
        switch text.lowercased() {
        case "individual", "person", "个人": .individual
        case "company", "企业", "公司": .company
        case "dealer", "经销商": .dealer
        default: nil
        }
    }

    /// `2026-03-31`, `2026/3/31`, `2026.03.31`, `2026年3月31日` → `2026-03-31`, validated as a real date.
    static func isoDate(_ text: String) -> String? {
        let parts = text.replacingOccurrences(of: "日", with: "")
            .split(whereSeparator: { "-/.年月".contains($0) }).map(String.init)
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1900...2200).contains(y), (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
              calendar.component(.day, from: date) == d
        else { return nil }
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    static func isValidVIN(_ vin: String) -> Bool {
        vin.count == 17 && vin.allSatisfy { $0.isASCII && ($0.isNumber || $0.isLetter) && !"IOQ".contains($0) }
    }
}

/// Why a CSV row was not imported.
public struct ImportRejection: Error, Sendable, Hashable {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
}
