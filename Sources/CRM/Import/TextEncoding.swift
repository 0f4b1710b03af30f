/// The encodings the importer reads: what Excel in China writes. GBK files are read as GB18030,
/// of which GBK is a part.
public enum TextEncoding: String, Sendable, Hashable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030

    /// `utf-8`/`utf8`, or `gb18030`/`gbk`/`gb2312` (any case); `nil` for anything else.
    public init?(name: String) {
        switch name.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "utf-8", "utf8": self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936": self = .gb18030
        default: return nil
        }
    }
}
