import CRM
import Logging
import Synchronization

/// The current `AgentDirectory`, shared by the call log and re-read from the CRM now and then so
/// new users and changed extensions are picked up without a restart.
public final class AgentRoster: Sendable {
    private let directory: Mutex<AgentDirectory>
    private let store: CRMStore

    public init(store: CRMStore) async throws {
        self.store = store
        directory = Mutex(AgentDirectory(try await store.agentIdentities()))
    }

    public var current: AgentDirectory { directory.withLock { $0 } }

    /// Re-reads the users now.
    public func reload() async throws {
        let fresh = AgentDirectory(try await store.agentIdentities())
        directory.withLock { $0 = fresh }
    }

    /// Re-reads every `interval` until cancelled, handing each fresh directory to `onChange`; a
    /// failed read keeps the last good directory.
    func keepFresh(every interval: Duration, logger: Logger, onChange: (AgentDirectory) -> Void = { _ in }) async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
                try await reload()
                onChange(current)
            } catch is CancellationError {
                return
            } catch {
                logger.warning("agent list refresh failed; keeping the last one", metadata: ["error": "\(error)"])
            }
        }
    }
}
