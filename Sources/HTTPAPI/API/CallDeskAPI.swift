import CRM
import Foundation
import Logging
import Vocabulary
import Workflows

/// The handlers of the document's operations (`Spec/openapi.yaml`), one extension per resource. Each
/// reads who asks from `RequestScope`, lets the store's `AccessPolicy` narrow what they see, and
/// answers with the document's own types; refusals are thrown as `APIError` or `CRMError`.
struct CallDeskAPI: APIProtocol {
    /// What the API's answers depend on besides the store.
    struct Settings: Sendable {
        /// Dates without a time (`from=2026-11-22`) are midnight here; "today" ends at midnight here.
        var timeZone: TimeZone
        /// Roles that see phone numbers with four digits hidden.
        var maskedRoles: Set<UserRole> = [.agent]
        /// How long a token from `POST /v1/login` is valid.
        var loginTokenLifetime: Duration = .seconds(12 * 3600)
        /// scrypt work factors for passwords set through the API (tests use cheaper ones).
        var passwordParameters = PasswordHash.Parameters()
        /// Pause codes and service-level rules.
        var monitor = MonitorConfiguration()
        /// Where call recordings are read from (the PBX's recordings directory, shared with this server).
        var recordingDirectory: String?
        /// Claim limit, cooldown and recycling of the customer pools.
        var pools = PoolRules()
    }

    let store: CRMStore
    let settings: Settings
    let throttle: LoginThrottle
    let refusals: RefusalCounter
    /// Runs uploaded imports; `nil` where the server runs none (a test's bare server).
    let imports: ImportQueue?
    /// The live monitor of each PBX (none where the server watches no PBX).
    let monitors: [QueueMonitorService]
    /// One-click dial through each PBX.
    let dialers: [ClickToDial]
    let logger: Logger

    /// The signed-in user and how phone numbers are shown to them.
    func viewer() throws -> (user: User, mask: PhoneMask) {
        let user = try RequestScope.requireUser()
        return (user, PhoneMask(role: user.role, maskedRoles: settings.maskedRoles))
    }

    /// A `limit` parameter within the document's 1…500 (default 50).
    func limit(_ raw: Int?) throws -> Int {
        guard let raw else { return 50 }
        guard (1...500).contains(raw) else { throw APIError.badParameter("limit", "\(raw)", expected: "an integer from 1 to 500") }
        return raw
    }

    /// A positive id from the path.
    func id(_ raw: Int64) throws -> Int {
        guard raw > 0, raw <= Int64(Int32.max) * 1024 else { throw APIError.badParameter("id", "\(raw)", expected: "a positive integer id") }
        return Int(raw)
    }

    /// A text parameter, trimmed, without control characters, within `maxLength`.
    func text(_ name: String, _ raw: String, maxLength: Int) throws -> String {
        do {
            return try field(name, raw, maxLength: maxLength)
        } catch {
            throw APIError.badParameter(name, raw, expected: "1 to \(maxLength) characters, no control characters")
        }
    }

    /// A body field's text, trimmed: not empty, within `maxLength`, no NUL or other control characters
    /// (line breaks allowed where `multiline`); a 400 naming the field otherwise.
    func field(_ name: String, _ raw: String, maxLength: Int, multiline: Bool = false) throws -> String {
        if Self.isPrintableASCIIWithoutEdgeBlanks(raw) {
            // The common case, read on its bytes: nothing to trim, no control character, a character per byte.
            guard !raw.isEmpty else { throw APIError.badField(name, "must not be empty") }
            guard raw.utf8.count <= maxLength else { throw APIError.badField(name, "must be at most \(maxLength) characters") }
            return raw
        }
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw APIError.badField(name, "must not be empty") }
        guard trimmed.count <= maxLength else { throw APIError.badField(name, "must be at most \(maxLength) characters") }
        let allowed: Set<Unicode.Scalar> = multiline ? ["\n", "\r", "\t"] : []
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) {
            throw APIError.badField(name, "must not hold control characters")
        }
        return trimmed
    }

    /// Whether `text` is all printable ASCII (space to `~`) and neither starts nor ends with a space.
    static func isPrintableASCIIWithoutEdgeBlanks(_ text: String) -> Bool {
        let bytes = text.utf8
        return bytes.first != 0x20 && bytes.last != 0x20 && bytes.allSatisfy { (0x20...0x7E).contains($0) }
    }

    /// Audits that `user` saw these records' numbers unmasked, when their role sees them so.
    func auditUnmasked(_ user: User, _ mask: PhoneMask, entity: String, ids: [Int]) async throws {
        guard !mask.hides else { return }
        try await store.auditUnmaskedViews(actor: user.id, entity: entity, ids: ids)
    }
}
