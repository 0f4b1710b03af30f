import Foundation
import NIOSSL

/// The certificate chain and private key (PEM files) CallDesk serves HTTPS with.
public struct TLSFiles: Sendable, Equatable {
    /// The server's certificate first, then any intermediates.
    public var certificateChain: String
    /// The certificate's private key, unencrypted.
    public var privateKey: String

    public init(certificateChain: String, privateKey: String) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }

    /// Reads both files as the server will, so a bad one is named at start-up, not at the first browser.
    public func check() throws(TLSFilesError) {
        _ = try serverConfiguration()
    }

    /// The server's TLS settings (TLS 1.2 at least), read from the two files.
    func serverConfiguration() throws(TLSFilesError) -> TLSConfiguration {
        for (path, what) in [(certificateChain, "certificate"), (privateKey, "private key")]
        where !FileManager.default.isReadableFile(atPath: path) {
            throw TLSFilesError(path: path, problem: "no readable \(what) there (missing, or not readable by this user)")
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(certificateChain)
        } catch {
            throw TLSFilesError(path: certificateChain, problem: "not a PEM certificate chain (-----BEGIN CERTIFICATE-----)")
        }
        guard !certificates.isEmpty else { throw TLSFilesError(path: certificateChain, problem: "no certificate in it") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKey, format: .pem)
        } catch {
            throw TLSFilesError(path: privateKey, problem: "not an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: certificates.map { .certificate($0) },
                                                                      privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }
}

/// A certificate or key file CallDesk cannot serve HTTPS with; says which file and why.
public struct TLSFilesError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String
    public var description: String { "TLS: cannot use \(path): \(problem)" }
}
