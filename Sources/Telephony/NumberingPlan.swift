/// The numbering rules of one country, as data: prefixes, lengths and area codes.
///
/// `PhoneNormalizer` is the only code that reads a plan, so supporting another country means
/// writing another plan, not another parser.
public struct NumberingPlan: Sendable, Hashable {
    /// Country calling code without `+`, e.g. `"86"`.
    public var countryCode: String
    /// Prefix dialled before a national number inside the country, e.g. `"0"`.
    public var trunkPrefix: String
    /// Prefixes that introduce an international number, e.g. `["00"]`.
    public var internationalPrefixes: [String]
    /// Mobile numbers: national length and the prefixes they start with.
    public var mobileLength: Int
    public var mobilePrefixes: [String]
    /// Area codes that are two digits long; every other area code has `longAreaCodeLength` digits.
    public var shortAreaCodes: Set<String>
    public var longAreaCodeLength: Int
    /// First digits an area code of `longAreaCodeLength` may start with.
    public var longAreaCodeFirstDigits: Set<Character>
    /// Lengths of a subscriber number behind an area code.
    public var localNumberLengths: ClosedRange<Int>
    /// National service numbers (`400…`, `800…`) and their full national length.
    public var servicePrefixes: [String]
    public var serviceLength: Int
    /// Short service numbers such as `95588`: prefix and allowed lengths.
    public var shortServicePrefixes: [String]
    public var shortServiceLengths: ClosedRange<Int>
    /// Lengths of internal extensions.
    public var extensionLengths: ClosedRange<Int>
    /// Lengths a national significant number may have when no other rule recognises it.
    public var nationalNumberLengths: ClosedRange<Int>

    public init(
        countryCode: String,
        trunkPrefix: String = "0",
        internationalPrefixes: [String] = ["00"],
        mobileLength: Int = 0,
        mobilePrefixes: [String] = [],
        shortAreaCodes: Set<String> = [],
        longAreaCodeLength: Int = 0,
        longAreaCodeFirstDigits: Set<Character> = [],
        localNumberLengths: ClosedRange<Int> = 7...8,
        servicePrefixes: [String] = [],
        serviceLength: Int = 0,
        shortServicePrefixes: [String] = [],
        shortServiceLengths: ClosedRange<Int> = 5...5,
        extensionLengths: ClosedRange<Int> = 3...5,
        nationalNumberLengths: ClosedRange<Int> = 6...12
    ) {
        self.countryCode = countryCode
        self.trunkPrefix = trunkPrefix
        self.internationalPrefixes = internationalPrefixes
        self.mobileLength = mobileLength
        self.mobilePrefixes = mobilePrefixes
        self.shortAreaCodes = shortAreaCodes
        self.longAreaCodeLength = longAreaCodeLength
        self.longAreaCodeFirstDigits = longAreaCodeFirstDigits
        self.localNumberLengths = localNumberLengths
        self.servicePrefixes = servicePrefixes
        self.serviceLength = serviceLength
        self.shortServicePrefixes = shortServicePrefixes
        self.shortServiceLengths = shortServiceLengths
        self.extensionLengths = extensionLengths
        self.nationalNumberLengths = nationalNumberLengths
    }

    /// Mainland China: 11-digit mobiles `1[3-9]…`, area codes `10`/`2x` or three digits, `400`/`800` and `95xxx` service numbers.
    public static let china = NumberingPlan(
        countryCode: "86",
        trunkPrefix: "0",
        internationalPrefixes: ["00"],
        mobileLength: 11,
        mobilePrefixes: ["13", "14", "15", "16", "17", "18", "19"],
        shortAreaCodes: ["10", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29"],
        longAreaCodeLength: 3,
        longAreaCodeFirstDigits: ["3", "4", "5", "6", "7", "8", "9"],
        localNumberLengths: 7...8,
        servicePrefixes: ["400", "800"],
        serviceLength: 10,
        shortServicePrefixes: ["95"],
        shortServiceLengths: 5...5,
        extensionLengths: 3...5,
        nationalNumberLengths: 9...12
    )

    /// A plan for any other country: national numbers of plausible length behind a trunk `0`, no area-code knowledge.
    public static func generic(countryCode: String) -> NumberingPlan {
        NumberingPlan(countryCode: countryCode)
    }

    /// The plan CallDesk knows for a country code.
    public static func forCountryCode(_ code: String) -> NumberingPlan {
        code == china.countryCode ? .china : .generic(countryCode: code)
    }
}
