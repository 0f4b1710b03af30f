import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL server of one test's own, on a free loopback port, that the test may stop and start
/// again (a database going away mid-call). Needs `CALLDESK_TEST_PG_BIN` (set by scripts/test).
public final class DisposablePostgres: @unchecked Sendable {
    public let url: String
    private let bin: String
    private let directory: String

    /// Whether this machine can run one (scripts/test sets the binaries' directory).
    public static var available: Bool { ProcessInfo.processInfo.environment["CALLDESK_TEST_PG_BIN"] != nil }

    /// Creates the cluster and starts it.
    public init() throws {
        guard let bin = ProcessInfo.processInfo.environment["CALLDESK_TEST_PG_BIN"] else {
            throw PostgresControlError(message: "CALLDESK_TEST_PG_BIN is not set; run scripts/test")
        }
        self.bin = bin
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let port = Int.random(in: 20_000...60_000)
        url = "postgres://postgres@127.0.0.1:\(port)/postgres"
        if getuid() == 0 { try Self.run("/usr/bin/chown", ["postgres", directory]) }
        try runAsPostgres("\(bin)/initdb", ["-D", "\(directory)/data", "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"])
        try writeOptions(port: port)
        try start()
    }

    /// Starts the server and waits until it accepts connections.
    public func start() throws {
        try runAsPostgres("\(bin)/pg_ctl", ["-D", "\(directory)/data", "-l", "\(directory)/server.log", "-w", "start"])
    }

    /// Stops the server at once (`-m fast`: open connections are cut).
    public func stop() throws {
        try runAsPostgres("\(bin)/pg_ctl", ["-D", "\(directory)/data", "-m", "fast", "-w", "stop"])
    }

    /// Stops the server if it runs and removes its files.
    public func remove() {
        try? runAsPostgres("\(bin)/pg_ctl", ["-D", "\(directory)/data", "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func writeOptions(port: Int) throws {
        let options = "listen_addresses = '127.0.0.1'\nport = \(port)\nunix_socket_directories = '\(directory)'\nfsync = off\n"
        let file = "\(directory)/data/postgresql.auto.conf"
        let existing = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        try (existing + options).write(toFile: file, atomically: false, encoding: .utf8)
    }

    private func runAsPostgres(_ tool: String, _ arguments: [String]) throws {
        if getuid() == 0 {
            try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", tool] + arguments)
        } else {
            try Self.run(tool, arguments)
        }
    }

    /// Runs `tool` and waits for it. (posix_spawn and waitpid: Foundation's `Process` can wait for ever
    /// on a tool that leaves a daemon behind, as `pg_ctl start` does.)
    private static func run(_ tool: String, _ arguments: [String]) throws {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([tool] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, tool, &actions, nil, argv, environ)
        guard spawned == 0 else { throw PostgresControlError(message: "cannot run \(tool): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let exited = (status & 0x7f) == 0, code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            throw PostgresControlError(message: "\(tool) \(arguments.joined(separator: " ")) failed (status \(status))")
        }
    }
}

/// Starting or stopping a test's own PostgreSQL failed.
public struct PostgresControlError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
