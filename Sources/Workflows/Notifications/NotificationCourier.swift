import CRM
import Foundation
import Logging
import ServiceLifecycle

/// Delivers notifications to the consoles: it follows the notifications table (written in the same
/// transaction as what they tell of, by any daemon on the database) and publishes each new one to
/// its user's topic in the `LiveHub`. Those written while no daemon ran are listed by the API.
public struct NotificationCourier: Service, Sendable {
    let store: CRMStore
    let hub: LiveHub
    let interval: Duration
    let logger: Logger

    public init(store: CRMStore, hub: LiveHub, interval: Duration = .seconds(1), logger: Logger = Logger(label: "calldesk.notifications")) {
        self.store = store
        self.hub = hub
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let start = try await store.latestNotificationID()
        await cancelWhenGracefulShutdown {
            var last = start
            while (try? await Task.sleep(for: interval)) != nil {
                do {
                    for record in try await store.notifications(after: last) {
                        hub.publish(.notice(Notice(record)), to: .agent(record.userId))
                        last = record.id
                    }
                } catch {
                    logger.warning("notifications could not be read; delivery resumes with the next read", metadata: ["error": "\(CRMDatabase.explain(error))"])
                }
            }
        }
    }
}
