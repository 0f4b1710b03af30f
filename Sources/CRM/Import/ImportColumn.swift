import Foundation

/// The customer CSV columns CallDesk understands, with their English and Chinese header names.
enum ImportColumn: String, CaseIterable, Sendable {
    case name, phone, mobile, grade, owner, model, vin, policyExpiry, kind, source, plate

    var headers: [String] {
        switch self {
        case .name: ["name", "customer", "姓名", "客户", "客户名称"]
        case .phone: ["phone", "telephone", "tel", "电话", "座机", "联系电话"]
        case .mobile: ["mobile", "cell", "手机", "手机号"]
        case .grade: ["grade", "lead_grade", "等级", "级别"]
        case .owner: ["owner", "负责人", "销售顾问"]
        case .model: ["model", "vehicle", "车型"]
        case .vin: ["vin", "车架号"]
        case .policyExpiry: ["policy_expiry", "insurance_expiry", "保险到期", "保险到期日"]
        case .kind: ["kind", "type", "类型"]
        case .source: ["source", "来源"]
        case .plate: ["plate", "车牌", "车牌号"]
        }
    }

    /// Maps a header row to column positions; unknown headers are ignored.
    static func positions(of header: [String]) -> [ImportColumn: Int] {
        var positions: [ImportColumn: Int] = [:]
        for (index, raw) in header.enumerated() {
            let cleaned = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
                .replacingOccurrences(of: " ", with: "_")
            if let column = allCases.first(where: { $0.headers.contains(cleaned) }), positions[column] == nil {
                positions[column] = index
            }
        }
        return positions
    }
}
