/// Turns caller IDs and numbers as people write them into E.164, driven by a `NumberingPlan`.
///
/// `+8613800138000`, `008613800138000`, `013800138000` and `138-0013-8000` all become
/// `+8613800138000`; `(0571)88886666` becomes `+8657188886666`; a 7–8 digit local number gets the
/// configured default area code; 3–5 digits are internal extensions; withheld or garbled input is
/// `.noNumber`, which never matches a customer.
public struct PhoneNormalizer: Sendable, Hashable {
    public var plan: NumberingPlan
    /// Area code (without trunk prefix) given to local numbers written without one, e.g. `"21"`.
    public var defaultAreaCode: String?
    /// Digits a PBX prepends to reach an outside line (e.g. `"9"`); stripped when a full number follows.
    public var outsideLinePrefix: String?

    public init(plan: NumberingPlan = .china, defaultAreaCode: String? = nil, outsideLinePrefix: String? = nil) {
        self.plan = plan
        self.defaultAreaCode = defaultAreaCode.flatMap { $0.isEmpty ? nil : $0 }
        self.outsideLinePrefix = outsideLinePrefix.flatMap { $0.isEmpty ? nil : $0 }
    }

    private static let withheld: Set<String> = [
        "anonymous", "unknown", "<unknown>", "restricted", "private", "unavailable", "withheld", "<none>",
    ]

    /// Normalises one written or signalled number.
    public func normalize(_ raw: String) -> PhoneParseResult {
        let trimmed = raw.trimmingWhitespace()
        if trimmed.isEmpty { return .noNumber(reason: "empty") }
        if Self.withheld.contains(trimmed.lowercased()) { return .noNumber(reason: "withheld (\(trimmed))") }

        var digits = ""
        digits.reserveCapacity(trimmed.utf8.count)
        var international = false
        for scalar in trimmed.unicodeScalars {
            switch scalar.value {
            case 0x30...0x39:
                digits.unicodeScalars.append(scalar)
            case 0xFF10...0xFF19:  // full-width digits typed with a Chinese input method
                digits.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFF10 + 0x30)!)
            case 0x2B, 0xFF0B:  // '+', full-width '+'
                guard digits.isEmpty, !international else {
                    return .noNumber(reason: "'+' inside the number")
                }
                international = true
            case 0x20, 0x09, 0xA0, 0x3000, 0x2D, 0xFF0D, 0x2010...0x2015, 0x2E, 0x28, 0x29, 0xFF08, 0xFF09, 0x2F:
                continue  // spaces, dashes, dots, parentheses, slash
            default:
                return .noNumber(reason: "contains '\(Character(scalar))'")
            }
        }
        if digits.isEmpty { return .noNumber(reason: "no digits") }
        if international { return parseInternational(digits) }
        return parseDialled(digits, allowOutsideLine: true)
    }

    private func parseDialled(_ digits: String, allowOutsideLine: Bool) -> PhoneParseResult {
        if allowOutsideLine, let prefix = outsideLinePrefix, digits.hasPrefix(prefix) {
            let rest = String(digits.dropFirst(prefix.count))
            if rest.count >= 10 || isShortService(rest) || national(rest)?.kind == .service {
                if case .number(let number) = parseDialled(rest, allowOutsideLine: false) {
                    return .number(number)
                }
            }
        }
        for prefix in plan.internationalPrefixes where digits.hasPrefix(prefix) && digits.count > prefix.count + 6 {
            return parseInternational(String(digits.dropFirst(prefix.count)))
        }
        let cc = plan.countryCode
        if digits.hasPrefix(cc), digits.count >= cc.count + 10 {
            if let number = nationalAfterCountryCode(String(digits.dropFirst(cc.count))) {
                return .number(number)
            }
        }
        if digits.hasPrefix(plan.trunkPrefix), digits.count > plan.extensionLengths.upperBound {
            let nsn = String(digits.dropFirst(plan.trunkPrefix.count))
            if let number = national(nsn) { return .number(number) }
            return .noNumber(reason: "not a valid national number after trunk prefix \(plan.trunkPrefix)")
        }
        if plan.extensionLengths.contains(digits.count) {
            if isShortService(digits) {
                return .number(PhoneNumber(e164: "+" + cc + digits, kind: .service))
            }
            return .internalExtension(digits)
        }
        if let number = national(digits) { return .number(number) }
        if plan.localNumberLengths.contains(digits.count), let first = digits.first,
           first != "0", first != "1"
        {
            guard let area = defaultAreaCode else {
                return .noNumber(reason: "local number without area code and no default area code configured")
            }
            return .number(PhoneNumber(e164: "+" + cc + area + digits, kind: .landline))
        }
        return .noNumber(reason: "\(digits.count) digits match no number format")
    }

    private func parseInternational(_ digits: String) -> PhoneParseResult {
        let cc = plan.countryCode
        if digits.hasPrefix(cc) {
            if let number = nationalAfterCountryCode(String(digits.dropFirst(cc.count))) {
                return .number(number)
            }
            return .noNumber(reason: "not a valid +\(cc) number")
        }
        guard (8...15).contains(digits.count), digits.first != "0" else {
            return .noNumber(reason: "international number of impossible length \(digits.count)")
        }
        return .number(PhoneNumber(e164: "+" + digits, kind: .other))
    }

    /// The national part after a country code; tolerates a written trunk prefix (`+86 (0)21 …`).
    private func nationalAfterCountryCode(_ rest: String) -> PhoneNumber? {
        if let number = national(rest) { return number }
        if rest.hasPrefix(plan.trunkPrefix) {
            return national(String(rest.dropFirst(plan.trunkPrefix.count)))
        }
        return nil
    }

    /// A national significant number (no trunk prefix) if the plan recognises it.
    private func national(_ nsn: String) -> PhoneNumber? {
        let cc = plan.countryCode
        if nsn.count == plan.mobileLength, plan.mobilePrefixes.contains(where: nsn.hasPrefix) {
            return PhoneNumber(e164: "+" + cc + nsn, kind: .mobile)
        }
        if nsn.count == plan.serviceLength, plan.servicePrefixes.contains(where: nsn.hasPrefix) {
            return PhoneNumber(e164: "+" + cc + nsn, kind: .service)
        }
        if isShortService(nsn) {
            return PhoneNumber(e164: "+" + cc + nsn, kind: .service)
        }
        if let landline = landline(nsn) { return landline }
        let planKnowsAreas = !plan.shortAreaCodes.isEmpty || plan.longAreaCodeLength > 0
        if !planKnowsAreas, plan.nationalNumberLengths.contains(nsn.count), nsn.first != "0" {
            return PhoneNumber(e164: "+" + cc + nsn, kind: .other)
        }
        return nil
    }

    private func landline(_ nsn: String) -> PhoneNumber? {
        let short = String(nsn.prefix(2))
        if plan.shortAreaCodes.contains(short), plan.localNumberLengths.contains(nsn.count - 2) {
            return PhoneNumber(e164: "+" + plan.countryCode + nsn, kind: .landline)
        }
        let longLength = plan.longAreaCodeLength
        if longLength > 0, let first = nsn.first, plan.longAreaCodeFirstDigits.contains(first),
           !plan.shortAreaCodes.contains(short),
           plan.localNumberLengths.contains(nsn.count - longLength),
           nsn.dropFirst(longLength).first.map({ $0 != "0" && $0 != "1" }) ?? false
        {
            return PhoneNumber(e164: "+" + plan.countryCode + nsn, kind: .landline)
        }
        return nil
    }

    private func isShortService(_ digits: String) -> Bool {
        plan.shortServiceLengths.contains(digits.count) && plan.shortServicePrefixes.contains(where: digits.hasPrefix)
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[start...end])
    }
}
