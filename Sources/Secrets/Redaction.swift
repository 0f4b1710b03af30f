/// Takes secrets out of anything CallDesk prints, logs or answers: the password in a URL, and
/// protocol fields named like secrets. One rule for every module, so no path prints more than another.
public enum Redaction {
    /// What stands in for a secret.
    public static let mask = "***"

    /// `url` with the password of its user info replaced by `***`: `postgres://calldesk:***@db:5432/crm`.
    ///
    /// Works on the text, not on `URLComponents`, so a password holding `#`, `/`, `?` or `@` is still
    /// found (everything between the first `:` of the user info and the last `@`). Text that does not
    /// look like `scheme://…` but could hold credentials is never echoed.
    public static func url(_ url: String) -> String {
        guard let schemeEnd = Self.endOfScheme(in: url) else {
            return url.contains("@") || url.contains(":") ? "<a URL that cannot be read; not shown>" : url
        }
        let afterScheme = url[schemeEnd...]
        guard let at = afterScheme.lastIndex(of: "@") else { return url }
        let userInfo = afterScheme[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<schemeEnd]) + userInfo[..<colon] + ":" + mask + String(afterScheme[at...])
    }

    /// Where what follows `scheme://` starts, when `url` begins with a scheme of letters, digits, `+`, `-` or `.`.
    private static func endOfScheme(in url: String) -> String.Index? {
        guard let colon = url.firstIndex(of: ":"), colon > url.startIndex,
              url[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
              url[colon...].hasPrefix("://") else { return nil }
        return url.index(colon, offsetBy: 3)
    }

    /// Whether a protocol field of this name holds a secret (`Secret`, `Key`, `Password`, `Token`).
    public static func isSecretField(_ name: String) -> Bool {
        secretFields.contains(name.lowercased())
    }

    private static let secretFields: Set<String> = ["secret", "key", "password", "token", "authorization"]
}
