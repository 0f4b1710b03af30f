import CRM
import Crypto
import Foundation
import Synchronization

/// Who holds which token, remembered for a moment so that a busy API does not ask the database on
/// every request. An entry lives `lifetime` (2 s): a token revoked or a user disabled elsewhere (the
/// CLI, another daemon) stops working within that. Keyed by the token's hash, never the token.
final class TokenCache: Sendable {
    private struct Entry: Sendable {
        let user: User?
        let until: ContinuousClock.Instant
    }

    private let lifetime: Duration
    private let capacity: Int
    /// A token's SHA-256, as four words (a `Data` key cost an allocation and a slower hash per request).
    private struct Key: Hashable, Sendable {
        let words: (UInt64, UInt64, UInt64, UInt64)

        init(_ token: String) {
            var token = token
            let digest = token.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
            words = digest.withUnsafeBytes { bytes in
                (bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                 bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self), bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self))
            }
        }

        static func == (lhs: Key, rhs: Key) -> Bool { lhs.words == rhs.words }

        func hash(into hasher: inout Hasher) {
            hasher.combine(words.0)
            hasher.combine(words.1)
            hasher.combine(words.2)
            hasher.combine(words.3)
        }
    }

    private let entries = Mutex<[Key: Entry]>([:])

    init(lifetime: Duration = .seconds(2), capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The user holding `token` (`nil`: none), from memory when known within the lifetime, else from `lookup`.
    func user(for token: String, lookup: (String) async throws -> User?) async throws -> User? {
        let key = Key(token)
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[key] }), entry.until > now { return entry.user }
        let user = try await lookup(token)
        entries.withLock { entries in
            if entries.count >= capacity { entries = entries.filter { $0.value.until > now } }
            if entries.count < capacity { entries[key] = Entry(user: user, until: now + lifetime) }
        }
        return user
    }

    /// Forgets every entry (after this process revoked a token or disabled a user).
    func clear() {
        entries.withLock { $0.removeAll() }
    }
}
