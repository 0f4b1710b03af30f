/// Why an import could not run; it is refused before anything is written.
public enum ImportError: Error, Sendable, CustomStringConvertible, Equatable {
    case cannotOpen(path: String)
    case missingColumns(found: [String], need: String)
    /// The file is neither UTF-8 nor GB18030 (or not the encoding named), from `line` on.
    case unreadable(path: String, line: Int, encoding: String)
    case cannotWriteRejects(path: String)
    /// `--default-owner` names nobody, and owners are not to be created.
    case unknownDefaultOwner(name: String, closest: String?)

    public var description: String {
        switch self {
        case .cannotOpen(let path):
            "cannot open \(path): check the path and that the file is readable"
        case .missingColumns(let found, let need):
            "the header row \(found) lacks \(need); accepted headers include name/姓名, phone/电话, mobile/手机, grade/等级, owner/负责人, model/车型, vin/车架号, policy_expiry/保险到期"
        case .unreadable(let path, let line, let encoding):
            "\(path) is not readable as \(encoding) (line \(line)); save it from Excel as \"CSV UTF-8\", or name its encoding with --encoding gb18030. Nothing was imported"
        case .cannotWriteRejects(let path):
            "cannot write the reject file \(path)"
        case .unknownDefaultOwner(let name, let closest):
            "the default owner '\(name)' is not a user\(closest.map { " (did you mean \($0)?)" } ?? ""); add the user first, or pass --create-owners. Nothing was imported"
        }
    }
}
