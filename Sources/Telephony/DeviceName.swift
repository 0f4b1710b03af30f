/// Reads the extension out of the device and channel names a PBX uses for agents' phones.
///
/// `PJSIP/1001`, `PJSIP/1001-0000001a`, `SIP/1001-00000003`, `Local/1001@agents/n`,
/// `Local/1001@agents-00000002;1` all name extension `1001`.
public enum DeviceName {
    /// The extension the device or channel belongs to, or `nil` for trunks and non-numeric names.
    public static func `extension`(of name: String) -> String? {
        guard let slash = name.firstIndex(of: "/") else { return nil }
        var rest = name[name.index(after: slash)...]
        if let at = rest.firstIndex(of: "@") { rest = rest[..<at] }
        if let dash = rest.lastIndex(of: "-"), name.hasPrefix("PJSIP/") || name.hasPrefix("SIP/") || name.hasPrefix("IAX2/") {
            rest = rest[..<dash]
        }
        guard (2...8).contains(rest.count), rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(rest)
    }
}
