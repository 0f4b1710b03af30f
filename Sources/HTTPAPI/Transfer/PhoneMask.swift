import Vocabulary
import Workflows

/// Phone numbers as one role may see them: whole, or with four digits hidden (`+86138****8000`), so
/// an agent dials by click and takes no customer list home. Short internal numbers (extensions) stay.
struct PhoneMask: Sendable, Hashable {
    let hides: Bool

    init(role: UserRole, maskedRoles: Set<UserRole>) {
        hides = maskedRoles.contains(role)
    }

    func show(_ number: String) -> String {
        guard hides else { return number }
        let bytes = number.utf8
        if bytes.allSatisfy({ (0x20...0x7E).contains($0) }) {
            // E.164 and the like, printable ASCII: a character per byte.
            guard bytes.count >= 7 else { return number }
            let kept = max(1, bytes.count - 8)
            return String(Substring(bytes.prefix(kept))) + "****" + String(Substring(bytes.suffix(4)))
        }
        guard number.count >= 7 else { return number }
        let characters = Array(number)
        let kept = max(1, characters.count - 8)
        return String(characters[..<kept]) + "****" + String(characters[(characters.count - 4)...])
    }

    func show(_ number: String?) -> String? { number.map(show) }
}

extension ScreenPop {
    /// The pop as `mask`'s role sees it: a customer's numbers masked; a new caller's number whole, since
    /// it is in no customer list yet and the agent files the new lead with it.
    func seen(through mask: PhoneMask) -> ScreenPop {
        mask.hides && !customers.isEmpty ? withNumbers(mask.show) : self
    }
}
