import ArgumentParser
import CRM

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Create or upgrade the CRM database schema.")
    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let config = try await options.load()
        let location = try DatabaseLocation(url: config.databaseURL)
        let database = try CRMDatabase(location: location, logger: .init(label: "calldesk.crm"))
        do {
            let migrator = Migrator(database: database, logger: .init(label: "calldesk.crm"))
            let applied = try await migrator.migrate()
            let version = try await migrator.currentVersion()
            print(applied.isEmpty ? "schema is current at version \(version) (\(location))"
                                  : "applied migrations \(applied.map(String.init).joined(separator: ", ")); schema at version \(version) (\(location))")
            await database.shutdown()
        } catch {
            await database.shutdown()
            throw CommandFailure("\(error)")
        }
    }
}
