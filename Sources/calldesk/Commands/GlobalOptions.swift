import ArgumentParser
import CRM
import App
import Foundation
import Logging

/// Options every subcommand takes, and the shared start-up they drive.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "YAML configuration file (default: $CALLDESK_CONFIG or ./calldesk.yaml if present).")
    var config: String?

    /// Reads and validates the configuration, then sets up logging to standard error.
    func load() async throws -> CallDeskConfig {
        let loaded: CallDeskConfig
        do {
            loaded = try await CallDeskConfig.load(file: config)
        } catch let error as ConfigError {
            throw CommandFailure(error.description)
        }
        LogSetup.bootstrap(level: loaded.logLevel)
        return loaded
    }

    /// Opens the CRM store described by the configuration (migrating it).
    func openStore(_ config: CallDeskConfig) async throws -> CRMStore {
        do {
            return try await CRMStore.open(location: DatabaseLocation(url: config.databaseURL),
                                           normalizer: config.normalizer, logger: Logger(label: "calldesk.crm"))
        } catch let error as CRMError {
            throw CommandFailure(error.description)
        }
    }
}

/// Runs `body` with an open store and always closes it.
func withStore<T>(_ options: GlobalOptions, _ body: (CRMStore, CallDeskConfig) async throws -> T) async throws -> T {
    let config = try await options.load()
    let store = try await options.openStore(config)
    do {
        let result = try await body(store, config)
        await store.close()
        return result
    } catch let error as CRMError {
        await store.close()
        throw CommandFailure(error.description)
    } catch {
        await store.close()
        throw error
    }
}

/// A failure reported to the user as one line on standard error with exit code 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
