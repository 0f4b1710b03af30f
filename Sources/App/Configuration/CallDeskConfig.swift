import AMI
import CRM
import Configuration
import Foundation
import HTTPAPI
import Workflows
import Logging
import Secrets
import SystemPackage
import Telephony

/// CallDesk's settings, read once at start-up from a YAML file and `CALLDESK_<SECTION>_<KEY>`
/// environment variables (which win), validated, and typed.
public struct CallDeskConfig: Sendable, CustomStringConvertible {
    public var databaseURL: String
    public var timeZone: TimeZone
    public var countryCode: String
    public var defaultAreaCode: String?
    public var outsideLinePrefix: String?
    public var pbxes: [PBXSettings]
    public var httpHost: String
    public var httpPort: Int
    /// Serve plain HTTP on a non-loopback address (behind a reverse proxy that terminates TLS).
    public var allowPlainHTTP: Bool
    /// The certificate and key CallDesk serves HTTPS with (`http.tls_certificate`, `http.tls_key`); `nil`: plain HTTP.
    public var tls: TLSFiles?
    /// Who may read `/metrics`.
    public var metricsAccess: APIServer.Configuration.MetricsAccess
    /// The live monitor: console login teams, its grace, the member interface.
    public var monitor = MonitorConfiguration()
    /// One-click dial: the agent's leg and the customers' context.
    public var dial = ClickToDial.Configuration()
    /// When follow-up calls may fall: working hours, holidays and make-up working days (调休).
    public var workCalendar = WorkCalendar()
    /// Follow-up cadence by grade, reps' daily capacity and spread (`followup.*`), on `workCalendar`.
    public var followUp = FollowUpPlanner(calendar: WorkCalendar())
    /// Escalation thresholds (`escalation.*`).
    public var escalation = EscalationPolicy()
    /// Renewal calls before a policy expires, win-back after (`renewal.*`).
    public var renewals = RenewalPlanner(calendar: WorkCalendar())
    /// The team whose agents make renewal calls (`renewal.team`).
    public var renewalTeam = "renewal"
    /// Claim limit, cooldown and recycling of the customer pools (`pools.*`).
    public var pools = PoolRules()
    public var logLevel: Logger.Level
    /// How long a stop may take to write what the call logs hold before it gives up on them.
    public var stopTimeoutSeconds: Int
    /// Minutes until a missed inbound call's callback task is due.
    public var callbackDueMinutes: Int
    /// Team that gets callbacks for unknown callers outside any queue (queues use the team named like them).
    public var callbackTeam: String
    /// Where the PBX writes call recordings (MixMonitor on answer); `nil`: no recording.
    public var recordingDirectory: String?
    /// Where the call log journals the writes the database cannot take: beside an SQLite file, else
    /// the working directory, unless `calls.journal_directory` says otherwise.
    public var journalDirectory: String

    /// The phone normaliser these settings describe.
    public var normalizer: PhoneNormalizer {
        PhoneNormalizer(plan: .forCountryCode(countryCode), defaultAreaCode: defaultAreaCode, outsideLinePrefix: outsideLinePrefix)
    }

    /// Every value with secrets left out.
    public var description: String {
        let location = Redaction.url(databaseURL)
        return "database \(location), time zone \(timeZone.identifier), country +\(countryCode), http \(httpHost):\(httpPort), pbx [\(pbxes.map(\.description).joined(separator: "; "))]"
    }

    /// Loads from `file` (YAML; a missing file is an error only when named explicitly) and the environment.
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> CallDeskConfig {
        var providers: [any ConfigProvider] = [
            EnvironmentVariablesProvider(
                environmentVariables: environment.filter { $0.key.hasPrefix("CALLDESK_") },
                secretsSpecifier: .dynamic { key, _ in key.contains("SECRET") || key.contains("PASSWORD") || key.contains("DATABASE_URL") }
            ).prefixKeys(with: "calldesk"),
        ]
        let path = file ?? environment["CALLDESK_CONFIG"] ?? "calldesk.yaml"
        let explicit = file != nil || environment["CALLDESK_CONFIG"] != nil
        do {
            providers.append(try await FileProvider<YAMLSnapshot>(filePath: FilePath(path), allowMissing: !explicit))
        } catch {
            throw ConfigError(key: "config", value: path, allowed: "a readable YAML file (\(error))")
        }
        return try CallDeskConfig(reader: ConfigReader(providers: providers))
    }

    init(reader config: ConfigReader) throws {
        databaseURL = config.string(forKey: "database.url", isSecret: true, default: "sqlite://calldesk.sqlite")
        guard databaseURL.hasPrefix("sqlite://") || databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://") else {
            throw ConfigError(key: "database.url", value: Redaction.url(databaseURL),
                              allowed: "sqlite:///absolute/path.sqlite, sqlite://relative.sqlite or postgres://user:password@host:port/database")
        }
        let zone = config.string(forKey: "general.time_zone", default: "Asia/Shanghai")
        guard let timeZone = TimeZone(identifier: zone) else {
            throw ConfigError(key: "general.time_zone", value: zone, allowed: "an IANA time zone such as Asia/Shanghai")
        }
        self.timeZone = timeZone
        countryCode = try Self.digits(config, "phone.country_code", default: "86", lengths: 1...3)!
        defaultAreaCode = try Self.digits(config, "phone.default_area_code", default: nil, lengths: 2...4)
        outsideLinePrefix = try Self.digits(config, "phone.outside_line_prefix", default: nil, lengths: 1...2)
        httpHost = config.string(forKey: "http.host", default: "127.0.0.1")
        httpPort = try Self.port(config, "http.port", default: 8080)
        let plain = config.string(forKey: "http.allow_plain_http", default: "false")
        guard let allowPlain = Bool(plain) else { throw ConfigError(key: "http.allow_plain_http", value: plain, allowed: "true or false") }
        allowPlainHTTP = allowPlain
        let certificate = config.string(forKey: "http.tls_certificate").flatMap { $0.isEmpty ? nil : $0 }
        let key = config.string(forKey: "http.tls_key").flatMap { $0.isEmpty ? nil : $0 }
        switch (certificate, key) {
        case (let certificate?, let key?):
            let files = TLSFiles(certificateChain: certificate, privateKey: key)
            try files.check()
            tls = files
        case (nil, nil): tls = nil
        case (nil, _?): throw ConfigError(key: "http.tls_certificate", value: "", allowed: "the certificate's PEM file, which http.tls_key needs")
        case (_?, nil): throw ConfigError(key: "http.tls_key", value: "", allowed: "the private key's PEM file, which http.tls_certificate needs")
        }
        // Tokens never cross a network in clear: off loopback, only over TLS, CallDesk's own or a proxy's.
        let loopback = httpHost.hasPrefix("127.") || httpHost == "::1" || httpHost == "localhost"
        guard loopback || tls != nil || allowPlainHTTP else {
            throw ConfigError(key: "http.host", value: httpHost, allowed: "a loopback address such as 127.0.0.1; to serve other machines, set http.tls_certificate and http.tls_key, or put a reverse proxy that terminates TLS in front (Config/nginx-calldesk.conf) and set http.allow_plain_http: true")
        }
        let metrics = config.string(forKey: "http.metrics", default: "loopback")
        guard let metricsAccess = APIServer.Configuration.MetricsAccess(rawValue: metrics) else {
            throw ConfigError(key: "http.metrics", value: metrics, allowed: "loopback, token or open")
        }
        self.metricsAccess = metricsAccess
        monitor = try Self.monitorSettings(config)
        workCalendar = WorkCalendar(timeZone: timeZone, holidays: Set(config.stringArray(forKey: "followup.holidays", default: [])),
                                    makeUpWorkdays: Set(config.stringArray(forKey: "followup.make_up_workdays", default: [])))
        for day in workCalendar.holidays.union(workCalendar.makeUpWorkdays) where (try? Date(day + "T00:00:00Z", strategy: .iso8601)) == nil || day.count != 10 {
            throw ConfigError(key: "followup.holidays", value: day, allowed: "dates like 2026-10-01")
        }
        escalation = try Self.escalationSettings(config)
        try Self.workingHours(config, into: &workCalendar)
        followUp = try Self.followUpSettings(config, calendar: workCalendar)
        (renewals, renewalTeam) = try Self.renewalSettings(config, calendar: workCalendar)
        pools = try Self.poolSettings(config, timeZone: timeZone)
        dial.agentChannel = config.string(forKey: "dial.agent_channel", default: dial.agentChannel)
        dial.customerContext = config.string(forKey: "dial.customer_context", default: dial.customerContext)
        guard dial.agentChannel.contains("{extension}") else {
            throw ConfigError(key: "dial.agent_channel", value: dial.agentChannel, allowed: "a channel with {extension}, e.g. Local/{extension}@calldesk-agents")
        }
        let level = config.string(forKey: "log.level", default: "info")
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw ConfigError(key: "log.level", value: level, allowed: Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.logLevel = logLevel
        let stop = config.string(forKey: "general.stop_timeout_seconds") ?? "30"
        guard let stopSeconds = Int(stop), (1...3_600).contains(stopSeconds) else {
            throw ConfigError(key: "general.stop_timeout_seconds", value: stop, allowed: "seconds from 1 to 3600")
        }
        stopTimeoutSeconds = stopSeconds
        let due = config.string(forKey: "calls.callback_due_minutes") ?? "30"
        guard let dueMinutes = Int(due), (1...10_080).contains(dueMinutes) else {
            throw ConfigError(key: "calls.callback_due_minutes", value: due, allowed: "minutes from 1 to 10080")
        }
        callbackDueMinutes = dueMinutes
        callbackTeam = config.string(forKey: "calls.callback_team", default: "hotline")
        if let directory = config.string(forKey: "calls.journal_directory"), !directory.isEmpty {
            journalDirectory = URL(fileURLWithPath: directory).standardizedFileURL.path
        } else if databaseURL.hasPrefix("sqlite://") {
            journalDirectory = URL(fileURLWithPath: String(databaseURL.dropFirst("sqlite://".count))).deletingLastPathComponent().standardizedFileURL.path
        } else {
            journalDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        }
        recordingDirectory = config.string(forKey: "recording.directory").flatMap { $0.isEmpty ? nil : $0 }
        if let directory = recordingDirectory, !directory.hasPrefix("/") {
            throw ConfigError(key: "recording.directory", value: directory, allowed: "an absolute directory on the PBX, e.g. /var/spool/asterisk/monitor/calldesk")
        }

        let names = config.stringArray(forKey: "pbx.names", default: ["main"])
        guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } }) else {
            throw ConfigError(key: "pbx.names", value: names.joined(separator: ","), allowed: "a list of names of letters, digits and '-'")
        }
        pbxes = try names.enumerated().map { index, name in
            // The first PBX may be configured by the plain ami.* / ari.* keys (CALLDESK_AMI_HOST, …).
            let scopes = index == 0 ? ["pbx.\(name)", ""] : ["pbx.\(name)"]
            func string(_ key: String, secret: Bool = false) -> String? {
                for scope in scopes {
                    let full = scope.isEmpty ? key : "\(scope).\(key)"
                    if let value = config.string(forKey: ConfigKey(full), isSecret: secret), !value.isEmpty { return value }
                }
                return nil
            }
            let portKey = "pbx.\(name).ami.port"
            let portText = string("ami.port") ?? "5038"
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw ConfigError(key: index == 0 ? "ami.port" : portKey, value: portText, allowed: "a port number 1–65535")
            }
            let ariURL = string("ari.url")
            if let ariURL, !(ariURL.hasPrefix("http://") || ariURL.hasPrefix("https://")) {
                throw ConfigError(key: index == 0 ? "ari.url" : "pbx.\(name).ari.url", value: ariURL, allowed: "an http:// or https:// URL such as http://127.0.0.1:8088")
            }
            let authText = string("ami.auth") ?? "md5"
            guard let auth = AMIClientConfiguration.AuthType(rawValue: authText) else {
                throw ConfigError(key: index == 0 ? "ami.auth" : "pbx.\(name).ami.auth", value: authText, allowed: "md5 or plain")
            }
            return PBXSettings(
                name: name, amiHost: string("ami.host") ?? "127.0.0.1", amiPort: port,
                amiUsername: string("ami.username") ?? "crmd", amiSecret: string("ami.secret", secret: true) ?? "", amiAuth: auth,
                ariURL: ariURL, ariUsername: string("ari.username"), ariPassword: string("ari.password", secret: true))
        }
    }

    private static func digits(_ config: ConfigReader, _ key: ConfigKey, default value: String?, lengths: ClosedRange<Int>) throws -> String? {
        let text = config.string(forKey: key) ?? value
        guard let text, !text.isEmpty else { return nil }
        let cleaned = text.hasPrefix("+") ? String(text.dropFirst()) : text
        guard cleaned.allSatisfy({ $0.isASCII && $0.isNumber }), lengths.contains(cleaned.count) else {
            throw ConfigError(key: key.components.joined(separator: "."), value: text, allowed: "\(lengths.lowerBound)–\(lengths.upperBound) digits")
        }
        return cleaned
    }

    /// `code:label` or `code:label:limit seconds`, e.g. `lunch:午餐:3600`.
    private static func port(_ config: ConfigReader, _ key: ConfigKey, default value: Int) throws -> Int {
        guard let text = config.string(forKey: key) else { return value }
        guard let port = Int(text), (1...65535).contains(port) else {
            throw ConfigError(key: key.components.joined(separator: "."), value: text, allowed: "a port number 1–65535")
        }
        return port
    }
}
