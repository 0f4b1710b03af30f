import App
import Foundation
import Testing

@Suite("Configuration")
struct CallDeskConfigTests {
    @Test("defaults work with no file: SQLite in the working directory, Asia/Shanghai, +86, loopback HTTP")
    func defaults() async throws {
        let config = try await CallDeskConfig.load(file: nil, environment: [:])
        #expect(config.databaseURL == "sqlite://calldesk.sqlite")
        #expect(config.timeZone.identifier == "Asia/Shanghai")
        #expect(config.countryCode == "86")
        #expect(config.httpHost == "127.0.0.1")
        #expect(config.pbxes.map(\.name) == ["main"])
        #expect(config.pbxes.first?.amiPort == 5038)
        #expect(config.stopTimeoutSeconds == 30)
    }

    @Test("no password is printed: a database URL that URLComponents cannot parse, an ARI URL with credentials, a bad scheme")
    func noPasswordPrinted() async throws {
        let secret = "pa#ss/wo?rd"
        let config = try await CallDeskConfig.load(file: nil, environment: [
            "CALLDESK_DATABASE_URL": "postgres://calldesk:\(secret)@127.0.0.1:5432/calldesk",
            "CALLDESK_ARI_URL": "http://crmd:ari-\(secret)@127.0.0.1:8088", "CALLDESK_AMI_SECRET": "ami-\(secret)",
        ])
        #expect(!config.description.contains("pa#ss") && !config.description.contains("wo?rd"))
        #expect(config.description.contains("postgres://calldesk:***@127.0.0.1:5432/calldesk") && config.description.contains("crmd:***@"))
        await #expect {
            try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_DATABASE_URL": "mysql://calldesk:\(secret)@db/crm"])
        } throws: { error in
            !"\(error)".contains("pa#ss") && "\(error)".contains("database.url")
        }
    }

    @Test("environment variables override the file")
    func environmentWins() async throws {
        try await withFile("""
            database:
              url: sqlite:///var/lib/calldesk/crm.sqlite
            phone:
              default_area_code: "21"
            ami:
              host: 10.0.0.5
              secret: from-file
            """) { path in
            let config = try await CallDeskConfig.load(file: path, environment: [
                "CALLDESK_DATABASE_URL": "postgres://calldesk:pw@127.0.0.1:5432/calldesk",
                "CALLDESK_AMI_SECRET": "from-env", "CALLDESK_AMI_PORT": "5039", "CALLDESK_HTTP_PORT": "9090",
            ])
            #expect(config.databaseURL == "postgres://calldesk:pw@127.0.0.1:5432/calldesk")
            #expect(config.defaultAreaCode == "21")
            #expect(config.pbxes.first?.amiHost == "10.0.0.5")
            #expect(config.pbxes.first?.amiSecret == "from-env")
            #expect(config.pbxes.first?.amiPort == 5039)
            #expect(config.httpPort == 9090)
            #expect(config.normalizer.normalize("88886666").phoneNumber?.e164 == "+862188886666")
        }
    }

    @Test("several PBXs, each with its own AMI settings")
    func severalPBXs() async throws {
        let config = try await CallDeskConfig.load(file: nil, environment: [
            "CALLDESK_PBX_NAMES": "hq,branch", "CALLDESK_AMI_HOST": "127.0.0.1",
            "CALLDESK_PBX_BRANCH_AMI_HOST": "127.0.0.2", "CALLDESK_PBX_BRANCH_AMI_PORT": "5039",
        ])
        #expect(config.pbxes.map(\.name) == ["hq", "branch"])
        #expect(config.pbxes.map(\.amiHost) == ["127.0.0.1", "127.0.0.2"])
        #expect(config.pbxes.map(\.amiPort) == [5038, 5039])
    }

    @Test("an invalid value names the key and what is allowed", arguments: [
        ("CALLDESK_DATABASE_URL", "mysql://x", "database.url"),
        ("CALLDESK_GENERAL_TIME_ZONE", "Mars/Olympus", "general.time_zone"),
        ("CALLDESK_PHONE_COUNTRY_CODE", "abc", "phone.country_code"),
        ("CALLDESK_HTTP_PORT", "70000", "http.port"),
        ("CALLDESK_AMI_PORT", "x", "ami.port"),
        ("CALLDESK_ARI_URL", "ftp://pbx", "ari.url"),
        ("CALLDESK_LOG_LEVEL", "loud", "log.level"),
        ("CALLDESK_GENERAL_STOP_TIMEOUT_SECONDS", "0", "general.stop_timeout_seconds"),
    ])
    func invalidValues(_ variable: String, _ value: String, _ key: String) async throws {
        let error = await #expect(throws: ConfigError.self) {
            try await CallDeskConfig.load(file: nil, environment: [variable: value])
        }
        #expect(error?.key == key)
        #expect(error?.description.contains("allowed") == true)
    }

    @Test("secrets never appear in the printed configuration")
    func secretsHidden() async throws {
        let config = try await CallDeskConfig.load(file: nil, environment: [
            "CALLDESK_DATABASE_URL": "postgres://calldesk:db-pass-123@127.0.0.1/calldesk",
            "CALLDESK_AMI_SECRET": "ami-secret-456", "CALLDESK_ARI_PASSWORD": "ari-pass-789",
            "CALLDESK_ARI_URL": "http://127.0.0.1:8088",
        ])
        let printed = config.description + "\(config.pbxes)"
        for secret in ["db-pass-123", "ami-secret-456", "ari-pass-789"] {
            #expect(!printed.contains(secret))
        }
    }

    @Test("a named config file that does not exist stops start-up")
    func missingNamedFile() async throws {
        await #expect(throws: ConfigError.self) {
            try await CallDeskConfig.load(file: "/nonexistent/calldesk.yaml", environment: [:])
        }
    }

    private func withFile(_ text: String, _ body: (String) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("calldesk-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await body(path)
    }
}

@Suite("Sample configuration")
struct SampleConfigTests {
    @Test("Config/calldesk.example.yaml loads and validates")
    func sampleLoads() async throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/calldesk.example.yaml").path
        let config = try await CallDeskConfig.load(file: path, environment: [:])
        #expect(config.defaultAreaCode == "21")
        #expect(config.outsideLinePrefix == "9")
        #expect(config.pbxes.first?.amiUsername == "crmd")
        #expect(config.pbxes.first?.ariURL == "http://127.0.0.1:8088")
    }
}

@Suite("Configuration: the HTTP server off loopback")
struct HTTPExposureConfigTests {
    @Test("a non-loopback address is refused unless plain HTTP is allowed for a TLS proxy; /metrics stays on loopback by default")
    func nonLoopback() async throws {
        await #expect {
            try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_HTTP_HOST": "0.0.0.0"])
        } throws: { error in
            "\(error)".contains("http.host") && "\(error)".contains("allow_plain_http")
        }
        let proxied = try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_HTTP_HOST": "10.0.0.2", "CALLDESK_HTTP_ALLOW_PLAIN_HTTP": "true"])
        #expect(proxied.allowPlainHTTP && proxied.httpHost == "10.0.0.2" && proxied.metricsAccess == .loopback)
        await #expect { try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_HTTP_METRICS": "everyone"]) } throws: { "\($0)".contains("http.metrics") }
    }

    @Test("escalation thresholds come from the configuration; a reassignment before the flag, or a nonsense number, is refused")
    func escalationSettings() async throws {
        let config = try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_ESCALATION_STALE_A_DAYS": "60", "CALLDESK_ESCALATION_OVERDUE_FLAG_HOURS": "8"])
        #expect(config.escalation.staleA == .seconds(60 * 86_400) && config.escalation.overdueFlag == .seconds(8 * 3600)
                && config.escalation.expiredA == .seconds(180 * 86_400))
        await #expect { try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_ESCALATION_OVERDUE_REASSIGN_HOURS": "12"]) } throws: {
            "\($0)".contains("escalation.overdue_reassign_hours")
        }
        await #expect { try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_ESCALATION_STALE_B_DAYS": "soon"]) } throws: {
            "\($0)".contains("escalation.stale_b_days")
        }
    }

    @Test("the follow-up cadence, capacity and working hours come from the configuration; closing before opening is refused")
    func followUpSettings() async throws {
        let config = try await CallDeskConfig.load(file: nil, environment: [
            "CALLDESK_FOLLOWUP_A_EVERY_DAYS": "3", "CALLDESK_FOLLOWUP_B_EVERY_DAYS": "14", "CALLDESK_FOLLOWUP_DAILY_CAPACITY": "40",
            "CALLDESK_FOLLOWUP_OPENS_HOUR": "10", "CALLDESK_FOLLOWUP_CLOSES_HOUR": "20",
        ])
        #expect(config.followUp.cadence == [.a: .seconds(3 * 86_400), .b: .seconds(14 * 86_400)])
        #expect(config.followUp.dailyCapacity == 40 && config.followUp.spreadDays == 5)
        #expect(config.followUp.calendar.opens == 10 && config.followUp.calendar.closes == 20 && config.workCalendar.opens == 10)
        await #expect { try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_FOLLOWUP_OPENS_HOUR": "19"]) } throws: {
            "\($0)".contains("followup.closes_hour")
        }
        await #expect { try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_FOLLOWUP_A_EVERY_DAYS": "weekly"]) } throws: {
            "\($0)".contains("followup.a_every_days")
        }
    }

    @Test("pool rules come from the configuration with the centre's time zone; a nonsense number is refused naming its key")
    func poolSettings() async throws {
        let config = try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_POOLS_CLAIMS_PER_DAY": "5", "CALLDESK_POOLS_RECYCLE_AFTER_DAYS": "14"])
        #expect(config.pools.claimsPerDay == 5 && config.pools.recycleAfterDays == 14 && config.pools.reclaimAfterDays == 30)
        #expect(config.pools.timeZone.identifier == "Asia/Shanghai")
        await #expect { try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_POOLS_RECYCLE_AFTER_DAYS": "0"]) } throws: {
            "\($0)".contains("pools.recycle_after_days")
        }
        await #expect { try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_POOLS_CLAIMS_PER_DAY": "many"]) } throws: {
            "\($0)".contains("pools.claims_per_day")
        }
    }

    @Test("TLS needs both a certificate and a key, and a file that cannot be read is named at load")
    func tlsSettings() async throws {
        await #expect {
            try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_HTTP_HOST": "0.0.0.0", "CALLDESK_HTTP_TLS_CERTIFICATE": "/etc/calldesk/cert.pem"])
        } throws: { "\($0)".contains("http.tls_key") }
        await #expect {
            try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_HTTP_TLS_CERTIFICATE": "/nonexistent/cert.pem",
                                                                  "CALLDESK_HTTP_TLS_KEY": "/nonexistent/key.pem"])
        } throws: { "\($0)".contains("/nonexistent/cert.pem") && "\($0)".contains("no readable certificate") }
        let plain = try await CallDeskConfig.load(file: nil, environment: [:])
        #expect(plain.tls == nil)
    }

    @Test("pause codes, service-level rules and console login come from the configuration; a malformed code is refused")
    func monitorSettings() async throws {
        let config = try await CallDeskConfig.load(file: nil, environment: [
            "CALLDESK_MONITOR_PAUSE_CODES": "lunch:午餐:3600,coaching:辅导", "CALLDESK_MONITOR_SERVICE_LEVEL_SECONDS": "15",
            "CALLDESK_MONITOR_CONSOLE_LOGIN_TEAMS": "hotline",
        ])
        #expect(config.monitor.pauseCodes.map(\.code) == ["lunch", "coaching"] && config.monitor.pauseCodes.first?.limitSeconds == 3600)
        #expect(config.monitor.serviceLevel.threshold == .seconds(15) && config.monitor.consoleLoginTeams == ["hotline"])
        await #expect { try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_MONITOR_PAUSE_CODES": "午餐"]) } throws: {
            "\($0)".contains("monitor.pause_codes")
        }
        let teams = try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_MONITOR_QUEUE_TEAMS": "vip:hotline,renewal-b:renewal"])
        #expect(teams.monitor.queueTeams.queues(of: "hotline") == ["hotline", "vip"] && teams.monitor.queueTeams.team(of: "renewal-b") == "renewal")
        let levels = try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_MONITOR_QUEUE_SERVICE_LEVELS": "vip:10:3"])
        #expect(levels.monitor.serviceLevel(of: "vip") == .init(threshold: .seconds(10), shortAbandon: .seconds(3)))
        #expect(levels.monitor.serviceLevel(of: "hotline") == .init(threshold: .seconds(20), shortAbandon: .seconds(5)))
        await #expect { try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_MONITOR_QUEUE_SERVICE_LEVELS": "vip:fast"]) } throws: {
            "\($0)".contains("monitor.queue_service_levels")
        }
        await #expect { try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_MONITOR_QUEUE_TEAMS": "vip"]) } throws: {
            "\($0)".contains("monitor.queue_teams")
        }
        #expect(config.monitor.queueBoardInterval == .milliseconds(100))
        let paced = try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_MONITOR_QUEUE_BOARD_MS": "250"])
        #expect(paced.monitor.queueBoardInterval == .milliseconds(250))
        await #expect { try await CallDeskConfig.load(file: nil, environment: ["CALLDESK_MONITOR_QUEUE_BOARD_MS": "fast"]) } throws: {
            "\($0)".contains("monitor.queue_board_ms") && "\($0)".contains("0 (every change) to 5000")
        }
    }
}
