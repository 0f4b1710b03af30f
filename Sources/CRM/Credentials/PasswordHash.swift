import _CryptoExtras
import Crypto
import Foundation

/// A password stored as scrypt (memory-hard: 32 MiB and about 0.1 s per try) with its own salt and
/// parameters: `scrypt$<log2 N>$<r>$<p>$<salt base64>$<key base64>`. Never a plain hash.
public struct PasswordHash: Sendable, Hashable {
    public let encoded: String

    /// Work factors; the defaults are OWASP's for scrypt. Tests may use cheaper ones.
    public struct Parameters: Sendable, Hashable {
        public var log2Rounds: Int
        public var blockSize: Int
        public var parallelism: Int

        public init(log2Rounds: Int = 15, blockSize: Int = 8, parallelism: Int = 1) {
            self.log2Rounds = log2Rounds
            self.blockSize = blockSize
            self.parallelism = parallelism
        }
    }

    public init(encoded: String) {
        self.encoded = encoded
    }

    /// Hashes `password` with a fresh random salt.
    public init(hashing password: String, parameters: Parameters = Parameters()) throws {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        let key = try Self.derive(password, salt: salt, parameters)
        encoded = ["scrypt", "\(parameters.log2Rounds)", "\(parameters.blockSize)", "\(parameters.parallelism)",
                   salt.base64EncodedString(), key.withUnsafeBytes { Data($0) }.base64EncodedString()].joined(separator: "$")
    }

    /// Whether `password` is the one hashed, compared in constant time; `false` for a malformed hash.
    public func verify(_ password: String) -> Bool {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let log2 = Int(parts[1]), (10...20).contains(log2),
              let blockSize = Int(parts[2]), (1...32).contains(blockSize), let parallelism = Int(parts[3]), (1...16).contains(parallelism),
              let salt = Data(base64Encoded: parts[4]), let stored = Data(base64Encoded: parts[5]), !stored.isEmpty,
              let derived = try? Self.derive(password, salt: salt, Parameters(log2Rounds: log2, blockSize: blockSize, parallelism: parallelism),
                                             length: stored.count)
        else { return false }
        return derived == SymmetricKey(data: stored)
    }

    private static func derive(_ password: String, salt: Data, _ parameters: Parameters, length: Int = 32) throws -> SymmetricKey {
        try KDF.Scrypt.deriveKey(from: Data(password.utf8), salt: salt, outputByteCount: length, rounds: 1 << parameters.log2Rounds,
                                 blockSize: parameters.blockSize, parallelism: parameters.parallelism,
                                 maxMemory: 256 * (1 << parameters.log2Rounds) * parameters.blockSize * parameters.parallelism)
    }
}
