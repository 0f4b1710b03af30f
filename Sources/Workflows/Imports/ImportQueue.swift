import CRM
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Runs the customer imports uploaded over the API, each as a child task of this service: the
/// upload is kept in a private file, checked whole and written by `CustomerImporter`, its progress
/// recorded about once a second, and its reject file kept with it in the database. A stop ends the
/// running imports between batches; they then read as failed (upload again: nothing is doubled).
public final class ImportQueue: Service, Sendable {
    /// How the uploaded file is to be read.
    public struct Options: Sendable, Hashable {
        public var defaultOwner: String?
        public var createOwners: Bool
        public var encoding: TextEncoding?
        /// The team whose pool takes rows without an owner (`nil`: the centre's pool).
        public var poolTeamID: Int?

        public init(defaultOwner: String? = nil, createOwners: Bool = false, encoding: TextEncoding? = nil, poolTeamID: Int? = nil) {
            self.poolTeamID = poolTeamID
            self.defaultOwner = defaultOwner
            self.createOwners = createOwners
            self.encoding = encoding
        }
    }

    private struct Job: Sendable {
        let id: Int
        let path: String
        let options: Options
    }

    private let store: CRMStore
    private let directory: URL
    private let logger: Logger
    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    /// Uploads wait in `directory` (created readable by its owner only) until they are imported.
    public init(store: CRMStore, directory: URL = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-imports"),
                logger: Logger = Logger(label: "calldesk.import")) {
        self.store = store
        self.directory = directory
        self.logger = logger
        (jobs, continuation) = AsyncStream.makeStream(of: Job.self)
    }

    /// Records the upload as queued for `user` and hands it to the running service; returns at once.
    public func submit(fileName: String, contents: Data, options: Options, by user: User) async throws -> ImportRecord {
        if let owner = options.defaultOwner, !options.createOwners, try await store.user(named: owner) == nil {
            let closest = try await CustomerImporter.closestOwner(to: owner, store: store)
            throw CRMError.invalidInput(field: "defaultOwner", value: owner,
                                        reason: "is not a user\(closest.map { " (did you mean \($0)?)" } ?? ""); add the user first, or set createOwners")
        }
        let record = try await store.queueImport(fileName: fileName, by: user)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = directory.appendingPathComponent("import-\(record.id)-\(UUID().uuidString).csv").path
        guard FileManager.default.createFile(atPath: path, contents: contents, attributes: [.posixPermissions: 0o600]) else {
            try? await store.updateImport(record.id, status: .failed, report: ImportReport(), error: "the upload could not be stored on the server")
            throw ImportError.cannotOpen(path: "the upload")
        }
        continuation.yield(Job(id: record.id, path: path, options: options))
        logger.info("import queued", metadata: ["import": "\(record.id)", "bytes": "\(contents.count)"])
        return record
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            for await job in jobs.cancelOnGracefulShutdown() {
                group.addTask { await self.runJob(job) }
            }
            group.cancelAll()
        }
        continuation.finish()
    }

    private func runJob(_ job: Job) async {
        let rejectsPath = job.path + ".rejects.csv"
        defer {
            try? FileManager.default.removeItem(atPath: job.path)
            try? FileManager.default.removeItem(atPath: rejectsPath)
        }
        let latest = LatestReport()
        let importer = CustomerImporter(store: store, defaultOwner: job.options.defaultOwner, createOwners: job.options.createOwners,
                                        encoding: job.options.encoding, poolTeamID: job.options.poolTeamID)
        do {
            try await store.updateImport(job.id, status: .checking, report: ImportReport())
            let report = try await withThrowingTaskGroup(of: ImportReport?.self) { group in
                group.addTask {
                    try await importer.run(path: job.path, rejectsPath: rejectsPath) { report in latest.value.withLock { $0 = report } }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: .seconds(1))
                        let report = latest.value.withLock { $0 }
                        try await self.store.updateImport(job.id, status: report.bytesRead * 2 < report.totalBytes ? .checking : .writing, report: report)
                    }
                    return nil
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let report = result { return report }
                }
                throw CancellationError()
            }
            let rejects = report.rejected > 0 ? FileManager.default.contents(atPath: rejectsPath) : nil
            try await store.updateImport(job.id, status: .done, report: report, rejects: rejects)
            logger.info("import done", metadata: ["import": "\(job.id)", "rows": "\(report.rowsRead)", "created": "\(report.created)",
                                                  "rejected": "\(report.rejected)"])
        } catch {
            let message = (error as? ImportError)?.description.replacingOccurrences(of: job.path, with: "the upload")
                ?? (error is CancellationError ? "CallDesk stopped during the import; upload the file again (rows already written are not doubled)"
                    : "the import stopped: \(error)")
            try? await store.updateImport(job.id, status: .failed, report: latest.value.withLock { $0 }, error: message)
            logger.error("import failed", metadata: ["import": "\(job.id)", "error": "\(message)"])
        }
    }
}

/// The newest progress of a running import, shared by the import and its progress writer.
private final class LatestReport: Sendable {
    let value = Mutex(ImportReport())
}
