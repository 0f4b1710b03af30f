// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

// The event path (decoding, the AMI client, call tracking, the call log) without run-time exclusivity checks:
// measured, they cost a third of the AMI link's throughput (socket → subscriber 0.8 → 1.2 M events/s).
// Their state is confined to one event loop or one value; the checks stay on everywhere else.
let eventPathSettings: [SwiftSetting] = swiftSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "calldesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "calldesk", targets: ["calldesk"]),
        .library(name: "Telephony", targets: ["Telephony"]),
        .library(name: "CRM", targets: ["CRM"]),
        .library(name: "AMI", targets: ["AMI"]),
        .library(name: "ARI", targets: ["ARI"]),
        .library(name: "PBXSimulator", targets: ["PBXSimulator"]),
        .library(name: "Vocabulary", targets: ["Vocabulary"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/jpsim/Yams", "5.4.0"..<"7.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // CallDesk's shared words, from the store to the API: call directions, results, statuses, agents,
        // task kinds and statuses, roles. A leaf: knows no PBX protocol, no database, no HTTP.
        .target(
            name: "Vocabulary",
            swiftSettings: swiftSettings
        ),
        // Backoff for whatever retries (the AMI and ARI links, the call-log writer). A leaf.
        .target(
            name: "Retrying",
            swiftSettings: swiftSettings
        ),
        // Tasks run on a NIO event loop (a task executor), so a task fed by a socket resumes where its
        // data arrives. A leaf above SwiftNIO.
        .target(
            name: "EventLoopExecutors",
            dependencies: [.product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        // Secrets out of what is printed: URL passwords, secret protocol fields. A leaf.
        .target(
            name: "Secrets",
            swiftSettings: swiftSettings
        ),
        // Phone numbers: normalisation to E.164; pure Swift, no I/O.
        .target(
            name: "Telephony",
            swiftSettings: swiftSettings
        ),
        // The CRM data model and its store (one query code path for SQLite and PostgreSQL).
        .target(
            name: "CRM",
            dependencies: [
                "Telephony", "Vocabulary", "Secrets",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Asterisk Manager Interface client on SwiftNIO; knows nothing of the CRM.
        .target(
            name: "AMI",
            dependencies: [
                "Secrets", "Retrying", "EventLoopExecutors",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: eventPathSettings
        ),
        // Asterisk REST Interface client: REST over async-http-client, the event WebSocket (hummingbird-websocket's
        // client) with typed events; knows nothing of the CRM.
        .target(
            name: "ARI",
            dependencies: [
                "Secrets", "Retrying",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the PBX is doing, folded from its AMI events by pure state machines: calls now, queues and agents next.
        .target(
            name: "PBXMonitor",
            dependencies: ["AMI", "Telephony", "Vocabulary"],
            swiftSettings: eventPathSettings
        ),
        // The call center's workflows: the call log, screen-pop, agents, callbacks and the live hub; knows no HTTP.
        .target(
            name: "Workflows",
            dependencies: [
                "AMI", "PBXMonitor", "CRM", "Telephony", "Vocabulary", "Retrying",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: eventPathSettings
        ),
        // The daemon's HTTP API and the agents' event WebSocket (Hummingbird). Spec-first: `Spec/openapi.yaml`
        // is the contract; `Generated/` is swift-openapi-generator's server interface for it
        // (`scripts/generate-openapi`, committed so a clean build needs no generator).
        .target(
            name: "HTTPAPI",
            dependencies: [
                "Workflows", "CRM", "Vocabulary", "Telephony", "EventLoopExecutors",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Spec/openapi-generator-config.yaml", "Generated/openapi.sha256"],
            resources: [.copy("Spec/openapi.yaml"), .copy("Pages/Assets")],
            swiftSettings: swiftSettings
        ),
        // A simulated Asterisk speaking the real AMI and ARI wire protocols on loopback.
        .target(
            name: "PBXSimulator",
            dependencies: [
                "AMI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The daemon: its configuration, read once and validated, and the wiring of its services.
        .target(
            name: "App",
            dependencies: [
                "Secrets", "Telephony", "CRM", "AMI", "Workflows", "HTTPAPI",
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The demo: a seeded CRM and a narrator of pops, beside the simulator it runs against.
        .target(
            name: "Demo",
            dependencies: [
                "CRM", "Workflows", "PBXSimulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command line: serve, demo, import, users, customers, and the operator's doctor and watch.
        .executableTarget(
            name: "calldesk",
            dependencies: [
                "App", "Demo", "CRM", "Telephony", "AMI", "PBXSimulator", "Workflows", "Vocabulary",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "calldesk-bench",
            dependencies: [
                "CRM", "Telephony", "AMI", "App", "Workflows", "HTTPAPI", "PBXSimulator", "Vocabulary", "DaemonFixture", "PBXMonitor",
                "EventLoopExecutors",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/calldesk-bench",
            swiftSettings: swiftSettings
        ),
        // The daemon against the simulated PBX, as the tests and the benchmarks run it.
        .target(
            name: "DaemonFixture",
            dependencies: [
                "App", "AMI", "CRM", "Workflows", "PBXSimulator",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/DaemonFixture",
            swiftSettings: swiftSettings
        ),
        // Helpers shared by the test targets.
        .target(
            name: "TestSupport",
            dependencies: [
                "CRM", "Telephony",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SecretsTests",
            dependencies: ["Secrets"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TelephonyTests",
            dependencies: ["Telephony", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CRMTests",
            dependencies: ["CRM", "Telephony", "Vocabulary", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AMITests",
            dependencies: [
                "AMI", "PBXSimulator", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PBXMonitorTests",
            dependencies: ["PBXMonitor", "Vocabulary", "AMI", "Telephony", "PBXSimulator", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ARITests",
            dependencies: [
                "ARI", "PBXSimulator", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkflowsTests",
            dependencies: [
                "Workflows", "App", "HTTPAPI", "CRM", "AMI", "PBXMonitor", "Vocabulary", "PBXSimulator", "TestSupport", "Telephony", "calldesk",
                "DaemonFixture",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AppTests",
            dependencies: ["App", "calldesk", "CRM", "AMI", "PBXSimulator", "Telephony", .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log"), .product(name: "SQLKit", package: "sql-kit")],
            swiftSettings: swiftSettings
        ),
    ]
)
