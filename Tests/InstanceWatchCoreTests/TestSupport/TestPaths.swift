import Foundation
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// Where the tests find the repository, the test data kept in it, and built binaries.
enum TestPaths {
    static let repositoryRoot: URL = {
        // Tests/InstanceWatchCoreTests/TestSupport/TestPaths.swift → the repository root.
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// Test data from elsewhere (AWS's SigV4 suites, public sample events), with its sources and
    /// licences in its README.
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures")

    static let peers = repositoryRoot.appendingPathComponent("Tests/Peers")

    /// The Python that runs the peers: `make test` points this at its virtual environment (moto, boto3).
    static let python = ProcessInfo.processInfo.environment["INSTANCE_WATCH_PYTHON"] ?? "python3"

    /// Where the template tools are (the SAM CLI, cfn-lint and their Python): `make test` installs
    /// them into an environment of their own and points this at its `bin`.
    static let tools = URL(fileURLWithPath: ProcessInfo.processInfo.environment["INSTANCE_WATCH_TOOLS"]
        ?? repositoryRoot.appendingPathComponent(".build/tools/bin").path)

    /// The Python with Microsoft's Adaptive Card schemas and a validator (`make test`'s `.build/cards`).
    static let cardsPython = ProcessInfo.processInfo.environment["INSTANCE_WATCH_CARDS"]
        ?? repositoryRoot.appendingPathComponent(".build/cards/bin/python").path

    /// The debug build of an executable product, which `swift test` builds with the tests.
    static func debugExecutable(_ product: String) -> String {
        repositoryRoot.appendingPathComponent(".build/debug/\(product)").path
    }

    static func subdirectories(of directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }
}
