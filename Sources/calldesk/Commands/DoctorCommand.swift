import AMI
import ArgumentParser
import App
import Logging

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Check the AMI settings of every configured PBX: login, version, permissions, queues.")
    @OptionGroup var options: GlobalOptions
    @Option(help: "Seconds to wait for each PBX") var timeout: Int = 10

    func run() async throws {
        let config = try await options.load()
        var failed = false
        for pbx in config.pbxes {
            let report = await AMIDoctor(configuration: pbx.amiClientConfiguration(), timeout: .seconds(timeout),
                                         logger: Logger(label: "calldesk.doctor")).run()
            print("PBX \(report.pbx) (\(report.endpoint))")
            if let failure = report.failure {
                failed = true
                print("  FAILED: \(failure)")
                continue
            }
            print("  Asterisk \(report.asteriskVersion ?? "?"), AMI \(report.amiVersion ?? "?")")
            print("  actions this user may send:")
            for (action, permitted) in report.requiredActions {
                print("    \(permitted ? "ok     " : "MISSING") \(action)")
            }
            if report.requiredActions.contains(where: { !$0.permitted }) {
                print("  hint: grant write = system,call,agent,originate,reporting in manager.conf for this user")
            }
            print("  queues:")
            if report.queues.isEmpty { print("    none") }
            for queue in report.queues {
                print("    \(queue.name) (\(queue.strategy ?? "?")): \(queue.members.count) members")
                for member in queue.members {
                    print("      \(member.name) \(member.interface)\(member.paused ? " paused" : "") status \(member.status.map(String.init) ?? "?")")
                }
            }
        }
        if failed { throw ExitCode(1) }
    }
}
