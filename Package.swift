// swift-tools-version:6.0
import PackageDescription

// Layers, each a module so that the compiler keeps the direction (docs/development.md, "Layout"):
//
//   StateChangeHandler, UptimeChecker, SlackActionHandler     thin executables
//        │   UptimeChecking               the checker's run: its handler, activity evidence, auto-stop, the
//        │                                weekly report with its chart and its renderer per channel
//        │                                (the UptimeChecker's alone: its handler's conformance would
//        │                                keep the whole run alive in the other two binaries)
//        │   SlackActions                 the Slack buttons' handler: signature, interaction, actions
//        │                                (the SlackActionHandler's alone: the other two never link it)
//        │     └── Charts                 bar charts on a bitmap, a pixel font, PNG and deflate (no dependency)
//        └── InstanceWatchCore            the watcher's domain: tracking, uptime, organisation, pricing, alerts,
//              │                          the savings ledger
//              ├── Lambda                 the Runtime API loop, control plane, log handler, EMF writer
//              ├── AWS                    SigV4, credentials, the service clients and their wire formats
//              ├── CurlHTTP               HTTP on libcurl
//              └── Support                UTC time, JSON writing, retries, the worker pool
//
// Nothing below InstanceWatchCore knows an instance record, a table attribute or an alert. Every
// module stays on FoundationEssentials: full Foundation or FoundationXML would link ICU and libxml2
// and quadruple the bundle.
let package = Package(
    name: "instance-watch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "StateChangeHandler", targets: ["StateChangeHandler"]),
        .executable(name: "UptimeChecker", targets: ["UptimeChecker"]),
        .executable(name: "SlackActionHandler", targets: ["SlackActionHandler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CExpat",
            pkgConfig: "expat",
            providers: [.apt(["libexpat1-dev"])]
        ),
        .target(name: "Support"),
        .target(name: "Charts"),
        .target(name: "CurlHTTP", dependencies: ["CCurl", "CCrypto", "Support"]),
        .target(
            name: "Lambda",
            dependencies: ["CurlHTTP", "Support", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "AWS", dependencies: ["CurlHTTP", "Support", "CCrypto", "CExpat"]),
        .target(
            name: "InstanceWatchCore",
            dependencies: ["Lambda", "AWS", "CurlHTTP", "Support", "CCurl", "CCrypto", "CExpat", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(name: "StateChangeHandler", dependencies: ["InstanceWatchCore", "Lambda", "AWS", "CurlHTTP"]),
        // The checker's run, linked by the UptimeChecker alone: its handler's LambdaHandler conformance
        // would keep all of the run's code alive in the other two binaries.
        .target(
            name: "UptimeChecking",
            dependencies: ["InstanceWatchCore", "Charts", "Lambda", "AWS", "CurlHTTP", "Support", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(name: "UptimeChecker", dependencies: ["UptimeChecking", "InstanceWatchCore", "Lambda", "AWS", "CurlHTTP"]),
        .target(
            name: "SlackActions",
            dependencies: ["InstanceWatchCore", "Lambda", "AWS", "CurlHTTP", "Support", "CCrypto", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(name: "SlackActionHandler", dependencies: ["SlackActions", "InstanceWatchCore", "Lambda", "AWS", "CurlHTTP"]),
        .testTarget(
            name: "InstanceWatchCoreTests",
            dependencies: ["InstanceWatchCore", "UptimeChecking", "SlackActions", "Lambda", "AWS", "CurlHTTP", "Support", "Charts"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
