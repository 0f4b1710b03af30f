import AsyncHTTPClient
import Crypto
import Foundation
import HTTPAPI
import NIOCore
import NIOSSL
import SwiftASN1
import Testing
import X509

/// CallDesk serving HTTPS itself, for browsers on the LAN: its own certificate and key, a Secure
/// session cookie, nothing in clear on the TLS port, and a clear word on a bad certificate file.
@Suite("HTTPS with CallDesk's own certificate")
struct HTTPSTests {
    /// A self-signed certificate for 127.0.0.1 and its key, written as PEM files in a fresh folder.
    struct SelfSigned {
        let folder: URL
        let certificatePEM: String
        var files: TLSFiles {
            TLSFiles(certificateChain: folder.appendingPathComponent("cert.pem").path, privateKey: folder.appendingPathComponent("key.pem").path)
        }

        init() throws {
            let key = P256.Signing.PrivateKey()
            let name = try DistinguishedName { CommonName("CallDesk test") }
            let now = Date()
            let certificate = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
                notValidBefore: now - 3600, notValidAfter: now + 3600, issuer: name, subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    SubjectAlternativeNames([.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
                },
                issuerPrivateKey: .init(key))
            certificatePEM = try certificate.serializeAsPEM().pemString
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try certificatePEM.write(to: folder.appendingPathComponent("cert.pem"), atomically: true, encoding: .utf8)
            try key.pemRepresentation.write(to: folder.appendingPathComponent("key.pem"), atomically: true, encoding: .utf8)
        }

        /// A client that trusts this certificate only.
        func client() throws -> HTTPClient {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)])
            var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
            configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
            return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }
    }

    @Test("with a certificate and key the API and the pages answer over HTTPS, and the session cookie is Secure")
    func servesHTTPS() async throws {
        let tls = try SelfSigned()
        defer { try? FileManager.default.removeItem(at: tls.folder) }
        try await ServerLimitsTests.withServer(configure: { $0.tls = tls.files }) { store, port in
            let user = try await store.addUser(name: "王芳", role: .agent)
            try await store.setPassword(userID: user.user.id, to: "correct horse", actor: nil, parameters: .init(log2Rounds: 10))
            let client = try tls.client()
            do {
                let health = try await client.execute(HTTPClientRequest(url: "https://127.0.0.1:\(port)/health"), timeout: .seconds(10))
                #expect(health.status == .ok)
                var login = HTTPClientRequest(url: "https://127.0.0.1:\(port)/session")
                login.method = .POST
                login.headers.add(name: "Content-Type", value: "application/json")
                login.body = .bytes(ByteBuffer(string: #"{"name": "王芳", "password": "correct horse"}"#))
                let session = try await client.execute(login, timeout: .seconds(10))
                let cookie = session.headers["Set-Cookie"].first ?? ""
                #expect(session.status == .ok)
                #expect(cookie.hasPrefix("calldesk_session=") && cookie.contains("; Secure") && cookie.contains("HttpOnly")
                        && cookie.contains("SameSite=Strict"))
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
            // Plain HTTP on the TLS port gets no HTTP answer: nothing is served in clear.
            let plain = try RawSocket(port: port)
            try plain.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            let answer = (try? await offCooperativePool { try plain.receive() }) ?? ""
            #expect(!answer.hasPrefix("HTTP/"))
        }
    }

    @Test("a plain-HTTP server's session cookie is not marked Secure, so a browser on loopback keeps it")
    func plainCookie() async throws {
        try await ServerLimitsTests.withServer { store, port in
            let user = try await store.addUser(name: "王芳", role: .agent)
            try await store.setPassword(userID: user.user.id, to: "correct horse", actor: nil, parameters: .init(log2Rounds: 10))
            let session = try await APIClient(port: port).send("/session", method: .POST, body: #"{"name": "王芳", "password": "correct horse"}"#)
            let cookie = session.headers["Set-Cookie"].first ?? ""
            #expect(session.status == 200 && cookie.contains("HttpOnly") && !cookie.contains("Secure"))
        }
    }

    @Test("a missing or malformed certificate or key stops the server at start with the file and the reason")
    func badFiles() throws {
        let tls = try SelfSigned()
        defer { try? FileManager.default.removeItem(at: tls.folder) }
        let garbage = tls.folder.appendingPathComponent("garbage.pem").path
        try "not a certificate".write(toFile: garbage, atomically: true, encoding: .utf8)
        let cases: [(TLSFiles, String, String)] = [
            (TLSFiles(certificateChain: tls.folder.appendingPathComponent("none.pem").path, privateKey: tls.files.privateKey), "none.pem", "no readable certificate"),
            (TLSFiles(certificateChain: garbage, privateKey: tls.files.privateKey), "garbage.pem", "not a PEM certificate chain"),
            (TLSFiles(certificateChain: tls.files.certificateChain, privateKey: garbage), "garbage.pem", "not an unencrypted PEM private key"),
            // The certificate where the key belongs: a file of the wrong kind.
            (TLSFiles(certificateChain: tls.files.certificateChain, privateKey: tls.files.certificateChain), "cert.pem", "private key"),
        ]
        for (files, file, reason) in cases {
            #expect {
                try files.check()
            } throws: { error in
                let text = "\(error)"
                return error is TLSFilesError && text.contains(file) && text.contains(reason) && !text.contains("BEGIN EC PRIVATE")
            }
        }
    }
}
