import Testing
import Telephony
import TestSupport

@Suite("Phone number normalisation")
struct PhoneNormalizerTests {
    let normalizer = PhoneNormalizer(plan: .china, defaultAreaCode: "21", outsideLinePrefix: "9")

    @Test("every written form of a mobile maps to one E.164", arguments: [
        "+8613800138000", "008613800138000", "8613800138000", "013800138000", "13800138000",
        "138 0013 8000", "138-0013-8000", "+86 138 0013 8000", "(+86) 138-0013-8000", " 13800138000 ",
        "１３８００１３８０００", "913800138000",
    ])
    func mobileForms(_ written: String) {
        #expect(normalizer.normalize(written) == .number(PhoneNumber(e164: "+8613800138000", kind: .mobile)))
    }

    @Test("landlines with area code in any notation", arguments: [
        ("021-8888 6666", "+862188886666"), ("02188886666", "+862188886666"),
        ("(0571)88886666", "+8657188886666"), ("0571-8888-6666", "+8657188886666"),
        ("+86 21 8888 6666", "+862188886666"), ("+86 (0)21 8888 6666", "+862188886666"),
        ("862188886666", "+862188886666"), ("010-66668888", "+861066668888"),
        ("0086 571 8888 6666", "+8657188886666"), ("（０２１）８８８８６６６６", "+862188886666"),
    ])
    func landlines(_ written: String, _ e164: String) {
        #expect(normalizer.normalize(written) == .number(PhoneNumber(e164: e164, kind: .landline)))
    }

    @Test("a 7–8 digit local number gets the default area code", arguments: [
        ("88886666", "+862188886666"), ("8888666", "+86218888666"),
    ])
    func localNumbers(_ written: String, _ e164: String) {
        #expect(normalizer.normalize(written) == .number(PhoneNumber(e164: e164, kind: .landline)))
    }

    @Test("a local number without a configured area code is no number")
    func localWithoutDefaultArea() {
        let plain = PhoneNormalizer(plan: .china)
        guard case .noNumber(let reason) = plain.normalize("88886666") else {
            Issue.record("expected noNumber")
            return
        }
        #expect(reason.contains("area code"))
    }

    @Test("400/800 and 95xxx are service numbers", arguments: [
        ("400-820-8820", "+864008208820"), ("800 810 8888", "+868008108888"),
        ("95588", "+8695588"), ("4008208820", "+864008208820"),
    ])
    func serviceNumbers(_ written: String, _ e164: String) {
        #expect(normalizer.normalize(written) == .number(PhoneNumber(e164: e164, kind: .service)))
    }

    @Test("the outside-line prefix is stripped", arguments: [
        ("913800138000", "+8613800138000"), ("9013800138000", "+8613800138000"),
        ("902188886666", "+862188886666"),
    ])
    func outsideLinePrefix(_ written: String, _ e164: String) {
        #expect(normalizer.normalize(written).phoneNumber?.e164 == e164)
    }

    @Test("3–5 digit numbers are internal extensions", arguments: ["100", "1001", "81234"])
    func extensions(_ written: String) {
        #expect(normalizer.normalize(written) == .internalExtension(written))
    }

    @Test("withheld and garbled caller IDs are no number", arguments: [
        "", "   ", "anonymous", "Anonymous", "<unknown>", "unknown", "abc", "138a0013800",
        "12", "+", "1380013800012345678", "13+800138000", "0",
    ])
    func noNumber(_ written: String) {
        #expect(normalizer.normalize(written).phoneNumber == nil)
        if case .internalExtension = normalizer.normalize(written) {
            Issue.record("\(written) must not be an extension")
        }
    }

    @Test("foreign numbers keep their country code")
    func foreign() {
        #expect(normalizer.normalize("+1 415 555 2671") == .number(PhoneNumber(e164: "+14155552671", kind: .other)))
        #expect(normalizer.normalize("00 44 20 7946 0958").phoneNumber?.e164 == "+442079460958")
    }

    @Test("property: every written form of a random number maps to the same E.164")
    func propertyAllForms() {
        var rng = SeededGenerator(seed: 0xCA11DE5C)
        for _ in 0..<2_000 {
            let (nsn, kind) = randomNationalNumber(&rng)
            let expected = PhoneNumber(e164: "+86" + nsn, kind: kind)
            for written in writtenForms(of: nsn, kind: kind, using: &rng) {
                let got = normalizer.normalize(written)
                #expect(got == .number(expected), "\(written) → \(got), expected \(expected)")
            }
        }
    }

    @Test("property: random bytes never crash and never yield an invalid E.164")
    func propertyRandomInput() {
        var rng = SeededGenerator(seed: 42)
        let alphabet = Array("0123456789+-() .abc９（）")
        for _ in 0..<5_000 {
            let length = Int(rng.next() % 20)
            let written = String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            if let number = normalizer.normalize(written).phoneNumber {
                #expect(number.e164.hasPrefix("+"))
                #expect(number.e164.dropFirst().allSatisfy { $0.isASCII && $0.isNumber })
                #expect((8...16).contains(number.e164.count), "\(written) → \(number)")
            }
        }
    }

    private func randomNationalNumber(_ rng: inout SeededGenerator) -> (String, PhoneKind) {
        func digits(_ n: Int, first: ClosedRange<UInt64> = 0...9) -> String {
            var s = String(first.lowerBound + rng.next() % (first.upperBound - first.lowerBound + 1))
            for _ in 1..<n { s += String(rng.next() % 10) }
            return s
        }
        switch rng.next() % 3 {
        case 0:
            return ("1" + String(3 + rng.next() % 7) + digits(9), .mobile)
        case 1:
            let area = ["10", "21", "22", "571", "755", "431", "898"][Int(rng.next() % 7)]
            let localLength = area.count == 2 ? 8 : Int(7 + rng.next() % 2)
            return (area + digits(localLength, first: 2...9), .landline)
        default:
            return (["400", "800"][Int(rng.next() % 2)] + digits(7), .service)
        }
    }

    private func writtenForms(of nsn: String, kind: PhoneKind, using rng: inout SeededGenerator) -> [String] {
        var forms = ["+86" + nsn, "0086" + nsn, "+86 " + nsn, "86" + nsn]
        if kind != .service { forms.append("0" + nsn) }
        if kind == .mobile {
            forms.append(nsn)
            forms.append(String(nsn.prefix(3)) + " " + String(nsn.dropFirst(3).prefix(4)) + " " + String(nsn.suffix(4)))
            forms.append(String(nsn.prefix(3)) + "-" + String(nsn.dropFirst(3).prefix(4)) + "-" + String(nsn.suffix(4)))
            forms.append("9" + nsn)
        }
        if kind == .landline {
            let areaLength = nsn.hasPrefix("10") || nsn.hasPrefix("2") ? 2 : 3
            let area = String(nsn.prefix(areaLength)), local = String(nsn.dropFirst(areaLength))
            forms.append("0" + area + "-" + local)
            forms.append("(0" + area + ")" + local)
            forms.append("90" + area + local)
            if area == "21" { forms.append(local) }
        }
        if kind == .service { forms.append(nsn); forms.append(String(nsn.prefix(3)) + "-" + String(nsn.dropFirst(3).prefix(3)) + "-" + String(nsn.suffix(4))) }
        return forms
    }
}

@Suite("Agent device names")
struct DeviceNameTests {
    @Test("the extension is read from every device and channel notation", arguments: [
        "PJSIP/1001", "PJSIP/1001-0000001a", "SIP/1001-00000003", "Local/1001@agents/n", "Local/1001@agents-00000002;1",
        "Local/1001@calldesk-agents-0000000f;2",
    ])
    func extensions(_ name: String) {
        #expect(DeviceName.extension(of: name) == "1001")
    }

    @Test("trunks and odd names have no extension", arguments: ["PJSIP/customer-trunk-00000001", "DAHDI/1-1", "nonsense", "PJSIP/", "Local/@x"])
    func noExtension(_ name: String) {
        #expect(DeviceName.extension(of: name) == nil)
    }
}
