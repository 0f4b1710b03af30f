import ArgumentParser

/// The `calldesk` command: the daemon and its administration tools.
@main
struct CallDesk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calldesk",
        abstract: "Call-center CRM daemon beside an Asterisk PBX.",
        subcommands: [
            MigrateCommand.self, ImportCommand.self, CustomersCommand.self, UsersCommand.self, DoctorCommand.self,
            SimulatePBXCommand.self, ServeCommand.self, DemoCommand.self, WatchCommand.self, ScheduleCommand.self, ReportCommand.self,
        ]
    )
}
