/// Why an import could not run or stopped; rows committed before it stay committed.
public enum ImportError: Error, Sendable, CustomStringConvertible {
    case cannotOpen(path: String)
    case missingColumns(found: [String], need: String)
    case unreadable(path: String, afterLine: Int, underlying: String)
    case cannotWriteRejects(path: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path):
            "cannot open \(path): check the path and that the file is readable"
        case .missingColumns(let found, let need):
            "the header row \(found) lacks \(need); accepted headers include name/姓名, phone/电话, mobile/手机, grade/等级, owner/负责人, model/车型, vin/车架号, policy_expiry/保险到期"
        case .unreadable(let path, let line, let underlying):
            "\(path) could not be read after line \(line) (\(underlying)); is it UTF-8? Rows before that line were imported"
        case .cannotWriteRejects(let path):
            "cannot write the reject file \(path)"
        }
    }
}
