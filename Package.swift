// swift-tools-version:6.0
import PackageDescription

// The core library and both Lambda executables stay on FoundationEssentials: importing full
// Foundation or FoundationXML would link ICU and libxml2 and quadruple the bundle.
let package = Package(
    name: "instance-watch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "StateChangeHandler", targets: ["StateChangeHandler"]),
        .executable(name: "UptimeChecker", targets: ["UptimeChecker"]),
        .library(name: "InstanceWatchCore", targets: ["InstanceWatchCore"]),
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
        .target(
            name: "InstanceWatchCore",
            dependencies: [
                "CCurl", "CCrypto", "CExpat",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "StateChangeHandler", dependencies: ["InstanceWatchCore"]),
        .executableTarget(name: "UptimeChecker", dependencies: ["InstanceWatchCore"]),
        .testTarget(
            name: "InstanceWatchCoreTests",
            dependencies: ["InstanceWatchCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
