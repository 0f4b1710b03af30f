import ArgumentParser
import CRM
import Vocabulary

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "Manage agents, supervisors and admins.",
                                                    subcommands: [Add.self, List.self, Devices.self, Passwd.self, Token.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user; prints the new API token on the last line.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "agent, supervisor or admin") var role: UserRole
        @Option(help: "Full name, unique") var name: String
        @Option(help: "Desk extension such as 1001") var `extension`: String?
        @Option(help: "Team name (created if missing)") var team: String?
        @Option(help: "Seniority level; higher ranks take escalated leads") var seniority: Int = 0

        func run() async throws {
            try await withStore(options) { store, _ in
                let (user, token) = try await store.addUser(name: name, role: role, extension: `extension`, team: team, seniority: seniority)
                print("added \(user.role.rawValue) \(user.name) (id \(user.id)\(user.extension.map { ", extension \($0)" } ?? ""))")
                print("API token (shown once, store it now):")
                print(token)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users (never their tokens).")
        @OptionGroup var options: GlobalOptions

        func run() async throws {
            try await withStore(options) { store, _ in
                for user in try await store.users() {
                    print("\(user.id)\t\(user.role.rawValue)\t\(user.name)\t\(user.extension ?? "-")")
                }
            }
        }
    }
}

extension UsersCommand {
    struct Devices: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the extra device patterns that identify a user's phones (besides their extension).",
            discussion: "Globs with * and ?, e.g. --pattern 'PJSIP/zhao-*' --pattern 'SIP/7012*'. No --pattern clears them. A running daemon picks the change up within a minute.")
        @OptionGroup var options: GlobalOptions
        @Option(help: "The user's name") var name: String
        @Option(help: "A device glob; repeat for several") var pattern: [String] = []

        func run() async throws {
            if let bad = pattern.first(where: { $0.isEmpty || $0.contains(",") || $0.contains(where: \.isWhitespace) }) {
                throw CommandFailure("pattern '\(bad)' is not usable: no spaces or commas, e.g. PJSIP/zhao-*")
            }
            try await withStore(options) { store, _ in
                guard let user = try await store.user(named: name) else { throw CommandFailure("no user named '\(name)' (calldesk users list)") }
                try await store.setDevicePatterns(userID: user.id, pattern)
                print(pattern.isEmpty ? "\(user.name): device patterns cleared" : "\(user.name): devices \(pattern.joined(separator: ", "))")
            }
        }
    }
}

extension UserRole: ExpressibleByArgument {}
