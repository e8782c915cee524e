import Foundation
import Testing
@testable import InstanceWatchCore
@testable import SlackActions
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The zips `make build` makes, run as Lambda would run them but with nothing of this machine:
/// each is unzipped into an empty root holding only the bundle at /var/task, /proc (mounted when
/// entered), /etc/hosts, /etc/resolv.conf and a CA file at Amazon Linux's path, entered with
/// chroot in a private mount namespace. Inside, the static bootstrap resolves its AWS endpoint by
/// name (through a DNS server the test starts, or /etc/hosts), speaks TLS to a local HTTPS proxy in
/// front of moto whose CA is the only one in the CA file, and serves invocations.
@Suite("Lambda bundles in an empty root")
struct LambdaBundleTests {
    /// What Lambda sets for provided.al2023; a static executable has no use for it.
    static let lambdaLibraryPath = "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"
    /// The name the functions' AWS endpoint goes by inside the root.
    static let endpointName = "aws.instance-watch.test"

    static func zip(_ product: String) -> URL {
        TestPaths.repositoryRoot.appendingPathComponent(".build/lambda/\(product).zip")
    }

    /// An empty root holding only the unzipped bundle, /proc (mounted when entered), /etc/hosts,
    /// /etc/resolv.conf and the CA file.
    final class EmptyRoot {
        let path: URL

        init(unzipping zip: URL, hosts: String, resolvConf: String, caFile: String) throws {
            try #require(FileManager.default.fileExists(atPath: zip.path), "no bundle at \(zip.path): run `make build` (make test does)")
            path = FileManager.default.temporaryDirectory.appendingPathComponent("empty-root-\(UUID().uuidString.prefix(8))")
            let task = path.appendingPathComponent("var/task")
            let certificates = path.appendingPathComponent("etc/pki/tls/certs")
            for directory in [task, certificates, path.appendingPathComponent("proc")] {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            }
            let unzip = try runCommand("/usr/bin/unzip", ["-q", zip.path, "-d", task.path])
            try #require(unzip.status == 0, "unzip failed: \(unzip.stderr)")
            try FileManager.default.copyItem(atPath: caFile, toPath: certificates.appendingPathComponent("ca-bundle.crt").path)
            try Data(hosts.utf8).write(to: path.appendingPathComponent("etc/hosts"))
            try Data(resolvConf.utf8).write(to: path.appendingPathComponent("etc/resolv.conf"))
        }

        deinit { try? FileManager.default.removeItem(at: path) }

        /// Every file in the root that is not a directory.
        var files: [String] {
            let enumerator = FileManager.default.enumerator(atPath: path.path)
            return (enumerator?.allObjects as? [String] ?? []).filter { name in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: path.appendingPathComponent(name).path, isDirectory: &isDirectory) && !isDirectory.boolValue
            }.sorted()
        }

        /// Runs /var/task/bootstrap inside the root, as root in a private mount namespace (the /proc
        /// mount disappears with it), with exactly the given environment.
        func runBootstrap(environment: [String: String], arguments: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
            let script = #"mount -t proc proc "$1/proc" && shift && exec /usr/sbin/chroot "$@""#
            return try runCommand("/usr/bin/unshare", ["--mount", "--fork", "/bin/sh", "-c", script, "sh", path.path, path.path, "/var/task/bootstrap"] + arguments,
                                  environment: environment)
        }
    }

    /// moto behind an HTTPS proxy whose certificate names `endpointName`, from a CA of its own.
    struct TLSEndpoint {
        let moto: MotoServer
        let proxy: LocalPeer

        init() throws {
            moto = try MotoServer.get()
            proxy = try LocalPeer(script: "fault_server.py", arguments: ["--upstream", "127.0.0.1:\(moto.peer.port)", "--tls", LambdaBundleTests.endpointName],
                                  announcedKeys: ["CA"])
        }

        var caFile: String { proxy.announcements["CA"]! }
        var url: String { "https://\(LambdaBundleTests.endpointName):\(proxy.port)" }
    }

    /// A loopback address of its own for each DNS server (port 53 is fixed), so tests can run at once.
    static func freshLoopbackAddress() -> String { "127.0.\(Int.random(in: 100...250)).\(Int.random(in: 2...250))" }

    func requireRoot() throws {
        try #require(getuid() == 0, "entering an empty root needs root (chroot, mount, port 53): CI runs as root")
    }

    @Test("the StateChangeHandler bundle resolves its endpoint through DNS, speaks TLS with only the root's CA file, and records a state change")
    func stateChangeHandlerOverDNS() throws {
        try requireRoot()
        let endpoint = try TLSEndpoint()
        let address = Self.freshLoopbackAddress()
        let dns = try LocalPeer(script: "dns_server.py", arguments: ["--address", address, "--name", "\(Self.endpointName)=127.0.0.1"], announcedKeys: ["DNS"])
        let root = try EmptyRoot(unzipping: Self.zip("StateChangeHandler"), hosts: "127.0.0.1 localhost\n",
                                 resolvConf: "nameserver \(address)\noptions timeout:2 attempts:1\n", caFile: endpoint.caFile)
        let table = MotoServer.uniqueName("bundle")
        try endpoint.moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
        let emulator = try RuntimeEmulator()
        let recorded = try emulator.invoke(try TestEvents.sample("state-change-running.json"))
        let ignored = try emulator.invoke(try TestEvents.sample("unrelated-s3-object-created.json"))
        let malformed = try emulator.invoke("{}")
        try emulator.answerNext(withStatus: 500)
        let run = try root.runBootstrap(environment: endpoint.moto.environmentVariables.merging([
            "AWS_LAMBDA_RUNTIME_API": emulator.hostAndPort, "LD_LIBRARY_PATH": Self.lambdaLibraryPath,
            "AWS_ENDPOINT_URL": endpoint.url, "TABLE_NAME": table, "AWS_LAMBDA_LOG_FORMAT": "JSON",
        ]) { $1 })
        let results = try emulator.results(waitingFor: 3)
        #expect(results.map(\.requestId) == [recorded, ignored, malformed], "stderr: \(run.stderr)")
        #expect(results.first?.json["action"] as? String == "recorded-start", "\(results.first?.body ?? "") \(run.stderr)")
        #expect(results.dropFirst().first?.json["action"] as? String == "ignored")
        #expect(results.last?.errorTypeHeader == "Function.MalformedEvent")
        #expect(run.status != 0 && run.stderr.contains("500"), "the 500 ends the process: \(run.stderr)")
        #expect(try endpoint.moto.item(table: table, id: TestEvents.sampleInstanceId) != nil, "the UpdateItem went through TLS to moto")
        let queried = try JSONSerialization.jsonObject(with: CurlHTTPClient().send(HTTPRequest(method: .get, url: URL(string: "\(dns.baseURL)/queries")!)).body)
        #expect((queried as? [[String: Any]] ?? []).contains { $0["name"] as? String == Self.endpointName }, "the name was asked of the DNS server: \(queried)")
        #expect(root.files == ["etc/hosts", "etc/pki/tls/certs/ca-bundle.crt", "etc/resolv.conf", "var/task/bootstrap"],
                "the root holds only the bundle and those files (and the empty /proc): \(root.files)")
    }

    @Test("the UptimeChecker bundle resolves its endpoint through /etc/hosts when DNS is not there, and checks against moto over TLS")
    func uptimeCheckerOverHostsFile() throws {
        try requireRoot()
        let endpoint = try TLSEndpoint()
        // Nobody answers on this address: DNS is unavailable, so glibc goes on to the hosts file.
        let root = try EmptyRoot(unzipping: Self.zip("UptimeChecker"), hosts: "127.0.0.1 localhost \(Self.endpointName)\n",
                                 resolvConf: "nameserver \(Self.freshLoopbackAddress())\noptions timeout:1 attempts:1\n", caFile: endpoint.caFile)
        let moto = endpoint.moto
        let table = MotoServer.uniqueName("bundle")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
        try moto.fixture(["op": "put_items", "table": table, "items": [["instance_id": "i-0000000000000b0b0", "start_time": "2026-11-21T08:00:00Z", "stop_time": "2026-11-21T09:00:00Z"]]])
        let topic = try #require(try moto.fixture(["op": "create_topic", "name": MotoServer.uniqueName("bundle")])["arn"] as? String)
        let emulator = try RuntimeEmulator()
        let tick = try emulator.invoke(try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("events/scheduled-event.json"), encoding: .utf8))
        try emulator.answerNext(withStatus: 500)
        let run = try root.runBootstrap(environment: moto.environmentVariables.merging([
            "AWS_LAMBDA_RUNTIME_API": emulator.hostAndPort, "LD_LIBRARY_PATH": Self.lambdaLibraryPath,
            "AWS_ENDPOINT_URL": endpoint.url, "TABLE_NAME": table, "TOPIC_ARN": topic,
        ]) { $1 })
        let results = try emulator.results(waitingFor: 1)
        #expect(results.map(\.requestId) == [tick], "stderr: \(run.stderr)")
        #expect(results.first?.json["scanned"] as? Int == 1, "\(results.first?.body ?? "") \(run.stderr)")
    }

    @Test("the SlackActionHandler bundle refuses a forged click with 401, and an Int64.min timestamp with 401 too, alive; checks a signed one against the table over TLS")
    func slackActionHandler() throws {
        try requireRoot()
        let endpoint = try TLSEndpoint()
        let root = try EmptyRoot(unzipping: Self.zip("SlackActionHandler"), hosts: "127.0.0.1 localhost \(Self.endpointName)\n",
                                 resolvConf: "", caFile: endpoint.caFile)
        let table = MotoServer.uniqueName("bundle")
        try endpoint.moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
        // Slack's response_url: a local sink (plain http is taken only on loopback).
        let slack = try FaultServer()
        try slack.setDefault(["status": 200, "body": "ok"])
        let secret = "bundle-signing-secret"
        let unknown = SlackButtonValue(instanceId: "i-0123456789abcdef0", account: nil, region: "us-east-1", runStartedAt: 1_763_712_000).encoded
        let body = try SlackClick.body("snooze_1d", value: unknown, responseURL: "\(slack.endpoint)/response/bundle")
        let emulator = try RuntimeEmulator()
        let forged = try emulator.invoke(try SlackClick.functionURLEvent(body: body, secret: "not-the-secret"))
        // Anyone on the internet can send this header: it once overflowed the clock arithmetic and
        // trapped, killing the execution environment. Refused like any stale request, and the same
        // process serves the next click.
        let overflow = try emulator.invoke(try SlackClick.functionURLEvent(body: body, secret: secret, timestampHeader: "-9223372036854775808"))
        let signed = try emulator.invoke(try SlackClick.functionURLEvent(body: body, secret: secret))
        try emulator.answerNext(withStatus: 500)
        let run = try root.runBootstrap(environment: endpoint.moto.environmentVariables.merging([
            "AWS_LAMBDA_RUNTIME_API": emulator.hostAndPort, "LD_LIBRARY_PATH": Self.lambdaLibraryPath,
            "AWS_ENDPOINT_URL": endpoint.url, "TABLE_NAME": table, "SLACK_SIGNING_SECRET": secret,
        ]) { $1 })
        let results = try emulator.results(waitingFor: 3)
        #expect(results.map(\.requestId) == [forged, overflow, signed], "stderr: \(run.stderr)")
        #expect(results.map { $0.json["statusCode"] as? Int } == [401, 401, 200], "\(results.map(\.body)) \(run.stderr)")
        #expect(try emulator.initError() == nil && !results.contains { $0.kind == "error" }, "one process, alive throughout: \(run.stderr)")
        #expect(!run.stderr.contains(secret), "the signing secret leaked")
        // The table, read over TLS, does not know the instance: the refusal goes to the response_url alone.
        let answered = try slack.attempts().filter { $0.path == "/response/bundle" }
        #expect(answered.count == 1 && answered.first?.body.contains("does not know i-0123456789abcdef0") == true, "\(answered.map(\.body)) \(run.stderr)")
    }

    @Test("TLS fails closed in the root when the CA file does not hold the peer's CA")
    func wrongCA() throws {
        try requireRoot()
        let endpoint = try TLSEndpoint()
        let other = try LocalPeer(script: "http_test_server.py", arguments: ["--tls"], announcedKeys: ["CA"])
        let root = try EmptyRoot(unzipping: Self.zip("StateChangeHandler"), hosts: "127.0.0.1 localhost \(Self.endpointName)\n",
                                 resolvConf: "", caFile: other.announcements["CA"]!)
        let table = MotoServer.uniqueName("bundle")
        try endpoint.moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
        let emulator = try RuntimeEmulator()
        _ = try emulator.invoke(try TestEvents.sample("state-change-running.json"))
        try emulator.answerNext(withStatus: 500)
        let run = try root.runBootstrap(environment: endpoint.moto.environmentVariables.merging([
            "AWS_LAMBDA_RUNTIME_API": emulator.hostAndPort, "AWS_ENDPOINT_URL": endpoint.url, "TABLE_NAME": table,
        ]) { $1 })
        let result = try #require(try emulator.results(waitingFor: 1).first, "\(run.stderr)")
        #expect(result.kind == "error" && result.body.contains("TLS"), "\(result.body)")
    }

    @Test("each bundle: a zip of one entry, bootstrap, a stripped static executable with no program interpreter and no shared library",
          arguments: ["StateChangeHandler", "UptimeChecker", "SlackActionHandler"])
    func oneStaticExecutable(_ product: String) throws {
        let listing = try runCommand("/usr/bin/unzip", ["-Z1", Self.zip(product).path])
        #expect(listing.status == 0 && listing.stdout.split(separator: "\n") == ["bootstrap"], "\(listing.stdout)\(listing.stderr)")
        let bootstrap = TestPaths.repositoryRoot.appendingPathComponent(".build/lambda/\(product)/bootstrap").path
        try #require(FileManager.default.fileExists(atPath: bootstrap), "run `make build`")
        let headers = try runCommand("readelf", ["--program-headers", "--dynamic", bootstrap])
        #expect(headers.status == 0)
        #expect(!headers.stdout.contains("INTERP") && !headers.stdout.contains("program interpreter"), "\(headers.stdout.prefix(2_000))")
        #expect(!headers.stdout.contains("(NEEDED)"))
        #expect(try runCommand("nm", [bootstrap]).stderr.contains("no symbols"), "bootstrap is stripped")
        // The bundler refuses what is not one static executable.
        let dynamic = try runCommand(TestPaths.repositoryRoot.appendingPathComponent("scripts/bundle-lambda.sh").path,
                                     ["/bin/ls", FileManager.default.temporaryDirectory.appendingPathComponent("refused-\(UUID().uuidString.prefix(6))").path])
        #expect(dynamic.status != 0 && dynamic.stderr.contains("not a static executable"), "\(dynamic.stderr)")
    }
}
