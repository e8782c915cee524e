import Foundation
import Testing
@testable import InstanceWatchCore

/// The zips `make build` makes, run as Lambda would run them but with nothing of this machine:
/// each is unzipped into an empty root (only the bundle at /var/task, /proc, and a CA file at
/// Amazon Linux's path), entered with chroot in a private mount namespace, with Lambda's
/// `LD_LIBRARY_PATH`, and serves invocations from the Runtime API emulator on loopback.
@Suite("Lambda bundles in an empty root")
struct LambdaBundleTests {
    /// What Lambda sets for provided.al2023; the bundle's DT_RPATH must win over it.
    static let lambdaLibraryPath = "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"

    static func zip(_ product: String) -> URL {
        TestPaths.repositoryRoot.appendingPathComponent(".build/lambda/\(product).zip")
    }

    /// An empty root holding only the unzipped bundle, /proc (mounted when entered) and a CA file.
    final class EmptyRoot {
        let path: URL

        init(unzipping zip: URL) throws {
            try #require(FileManager.default.fileExists(atPath: zip.path), "no bundle at \(zip.path): run `make build` (make test does)")
            path = FileManager.default.temporaryDirectory.appendingPathComponent("empty-root-\(UUID().uuidString.prefix(8))")
            let task = path.appendingPathComponent("var/task")
            let certificates = path.appendingPathComponent("etc/pki/tls/certs")
            for directory in [task, certificates, path.appendingPathComponent("proc")] {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            }
            let unzip = try runCommand("/usr/bin/unzip", ["-q", zip.path, "-d", task.path])
            try #require(unzip.status == 0, "unzip failed: \(unzip.stderr)")
            try FileManager.default.copyItem(atPath: "/etc/ssl/certs/ca-certificates.crt", toPath: certificates.appendingPathComponent("ca-bundle.crt").path)
        }

        deinit { try? FileManager.default.removeItem(at: path) }

        /// Every file in the root: nothing but the bundle, the CA file and the empty /proc.
        var files: [String] {
            let enumerator = FileManager.default.enumerator(atPath: path.path)
            return (enumerator?.allObjects as? [String] ?? []).filter { !$0.hasSuffix("/") }
        }

        /// Runs /var/task/bootstrap inside the root, as root in a private mount namespace (the /proc
        /// mount disappears with it), with exactly the given environment.
        func runBootstrap(environment: [String: String], arguments: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
            let script = #"mount -t proc proc "$1/proc" && shift && exec /usr/sbin/chroot "$@""#
            return try runCommand("/usr/bin/unshare", ["--mount", "--fork", "/bin/sh", "-c", script, "sh", path.path, path.path, "/var/task/bootstrap"] + arguments,
                                  environment: environment)
        }
    }

    @Test("the StateChangeHandler bundle serves invocations in an empty root, and DT_RPATH wins over LD_LIBRARY_PATH")
    func stateChangeHandler() throws {
        try #require(getuid() == 0, "entering an empty root needs root (chroot, mount): CI runs as root")
        let root = try EmptyRoot(unzipping: Self.zip("StateChangeHandler"))
        // Decoys where Lambda's LD_LIBRARY_PATH looks first: loading any of them would fail at once.
        let lib64 = root.path.appendingPathComponent("lib64")
        try FileManager.default.createDirectory(at: lib64, withIntermediateDirectories: true)
        for decoy in ["libc.so.6", "libcurl.so.4", "libcrypto.so.3", "libstdc++.so.6"] {
            try Data("not a library".utf8).write(to: lib64.appendingPathComponent(decoy))
        }
        let emulator = try RuntimeEmulator()
        let event = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("events/unrelated-s3-object-created.json"), encoding: .utf8)
        let request = try emulator.invoke(event)
        let malformed = try emulator.invoke("{}")
        try emulator.answerNext(withStatus: 500)
        let run = try root.runBootstrap(environment: [
            "AWS_LAMBDA_RUNTIME_API": emulator.hostAndPort, "LD_LIBRARY_PATH": Self.lambdaLibraryPath,
            "AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "not-a-secret",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_LAMBDA_LOG_FORMAT": "JSON",
        ])
        let results = try emulator.results(waitingFor: 2)
        #expect(results.map(\.requestId) == [request, malformed], "stderr: \(run.stderr)")
        #expect(results.first?.json["action"] as? String == "ignored")
        #expect(results.last?.errorTypeHeader == "Function.MalformedEvent")
        #expect(run.status != 0 && run.stderr.contains("500"), "the 500 ends the process: \(run.stderr)")
    }

    @Test("the UptimeChecker bundle checks against moto from an empty root")
    func uptimeChecker() throws {
        try #require(getuid() == 0, "entering an empty root needs root (chroot, mount): CI runs as root")
        let root = try EmptyRoot(unzipping: Self.zip("UptimeChecker"))
        let moto = try MotoServer.get()
        let table = MotoServer.uniqueName("bundle")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
        try moto.fixture(["op": "put_items", "table": table, "items": [["instance_id": "i-0000000000000b0b0", "start_time": "2026-11-21T08:00:00Z", "stop_time": "2026-11-21T09:00:00Z"]]])
        let topic = try #require(try moto.fixture(["op": "create_topic", "name": MotoServer.uniqueName("bundle")])["arn"] as? String)
        let emulator = try RuntimeEmulator()
        let tick = try emulator.invoke(try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("events/scheduled-event.json"), encoding: .utf8))
        try emulator.answerNext(withStatus: 500)
        let run = try root.runBootstrap(environment: moto.environmentVariables.merging([
            "AWS_LAMBDA_RUNTIME_API": emulator.hostAndPort, "LD_LIBRARY_PATH": Self.lambdaLibraryPath,
            "TABLE_NAME": table, "TOPIC_ARN": topic,
        ]) { $1 })
        let results = try emulator.results(waitingFor: 1)
        #expect(results.map(\.requestId) == [tick], "stderr: \(run.stderr)")
        #expect(results.first?.json["scanned"] as? Int == 1, "\(results.first?.body ?? "") \(run.stderr)")
        #expect(root.files.sorted().allSatisfy { $0.hasPrefix("var/task/") || $0 == "etc/pki/tls/certs/ca-bundle.crt" || ["var", "var/task", "etc", "etc/pki", "etc/pki/tls", "etc/pki/tls/certs", "proc"].contains($0) },
                "the root holds only the bundle: \(root.files)")
    }

    @Test("each bundle: the interpreter and DT_RPATH point inside the bundle, and every library it needs is in it", arguments: ["StateChangeHandler", "UptimeChecker"])
    func selfContained(_ product: String) throws {
        let directory = TestPaths.repositoryRoot.appendingPathComponent(".build/lambda/\(product)")
        let bootstrap = directory.appendingPathComponent("bootstrap").path
        try #require(FileManager.default.fileExists(atPath: bootstrap), "run `make build`")
        let headers = try runCommand("readelf", ["--program-headers", "--dynamic", bootstrap])
        #expect(headers.stdout.contains("[Requesting program interpreter: /var/task/lib/ld-linux-x86-64.so.2]"))
        #expect(headers.stdout.contains("(RPATH)") && headers.stdout.contains("[$ORIGIN/lib]"))
        #expect(!headers.stdout.contains("(RUNPATH)"), "RUNPATH would lose to LD_LIBRARY_PATH")
        let bundled = Set(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("lib").path))
        for library in bundled where library.contains(".so") {
            let needed = try runCommand("readelf", ["--dynamic", directory.appendingPathComponent("lib/\(library)").path]).stdout
                .split(separator: "\n").filter { $0.contains("(NEEDED)") }
                .compactMap { $0.split(separator: "[").last?.split(separator: "]").first.map(String.init) }
            for dependency in needed {
                #expect(bundled.contains(dependency), "\(library) needs \(dependency), which the bundle lacks")
            }
        }
        #expect(try runCommand("nm", [bootstrap]).stderr.contains("no symbols"), "bootstrap is stripped")
    }
}
