import ArgumentParser
import CRM
import Foundation

extension UsersCommand {
    /// `calldesk users passwd`: sets the password the login page takes, read from standard input.
    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's login password (scrypt); reads it from standard input, never from the command line.",
            discussion: "echo 'a long passphrase' | calldesk users passwd --name 王芳")
        @OptionGroup var options: GlobalOptions
        @Option(help: "The user's name") var name: String

        func run() async throws {
            guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                throw CommandFailure("no password on standard input: echo 'a long passphrase' | calldesk users passwd --name \(name)")
            }
            try await withStore(options) { store, _ in
                guard let user = try await store.user(named: name) else { throw CommandFailure("no user named '\(name)' (calldesk users list)") }
                try await store.setPassword(userID: user.id, to: line, actor: nil)
                print("\(user.name): password set")
            }
        }
    }

    /// `calldesk users token`: issues, lists or revokes a user's API tokens.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a new API token for a user (printed once on the last line), list their tokens, or revoke one.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "The user's name") var name: String
        @Flag(help: "List the user's tokens (never their values) instead of issuing one") var list = false
        @Option(help: "Revoke the token with this id (from --list)") var revoke: Int?
        @Option(help: "Hours until a new token expires (default: never)") var hours: Int?

        func run() async throws {
            if let hours, hours <= 0 { throw CommandFailure("--hours must be a positive number of hours") }
            try await withStore(options) { store, _ in
                guard let user = try await store.user(named: name) else { throw CommandFailure("no user named '\(name)' (calldesk users list)") }
                if list {
                    for token in try await store.tokens(userID: user.id) {
                        let state = token.revokedAt.map { "revoked \($0)" } ?? token.expiresAt.map { $0 < Date() ? "expired \($0)" : "expires \($0)" } ?? "no expiry"
                        print("\(token.id)\t\(token.label)\tcreated \(token.createdAt)\t\(state)")
                    }
                } else if let revoke {
                    try await store.revokeToken(id: revoke, userID: user.id, actor: nil)
                    print("token \(revoke) of \(user.name) revoked")
                } else {
                    let (token, info) = try await store.issueToken(userID: user.id, label: "cli", lifetime: hours.map { .seconds($0 * 3600) })
                    print("token \(info.id) for \(user.name)\(info.expiresAt.map { ", expires \($0)" } ?? "") (shown once, store it now):")
                    print(token)
                }
            }
        }
    }
}
