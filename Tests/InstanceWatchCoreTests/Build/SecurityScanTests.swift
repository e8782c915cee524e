import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// checkov, the scanner platform teams run on every CloudFormation change, on both templates: no
/// finding may stand that is neither fixed nor skipped in the template with a reason beside it.
@Suite("checkov on both templates")
struct SecurityScanTests {
    static let checkov = ProcessInfo.processInfo.environment["INSTANCE_WATCH_CHECKOV"]
        ?? TestPaths.repositoryRoot.appendingPathComponent(".build/checkov/bin/checkov").path

    struct Finding: Equatable, CustomStringConvertible {
        let check: String
        let resource: String
        let comment: String
        var description: String { "\(check) on \(resource)" }
    }

    struct Scan {
        var failed: [Finding] = []
        var skipped: [Finding] = []
        var passed = 0

        /// Skips whose reason is missing: checkov's placeholder, or a few words that explain nothing.
        var unexplained: [Finding] { skipped.filter { $0.comment.isEmpty || $0.comment.hasPrefix("No comment") || $0.comment.count < 40 } }
    }

    static func scan(_ path: String) throws -> Scan {
        try #require(FileManager.default.isExecutableFile(atPath: checkov), "checkov is not at \(checkov): run `make test`, which installs it")
        let run = try runCommand(checkov, ["-f", path, "--framework", "cloudformation", "-o", "json", "--skip-download"],
                                 environment: ProcessInfo.processInfo.environment.merging(["BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "ERROR"]) { $1 })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "checkov: \(run.stdout.prefix(500)) \(run.stderr.prefix(500))")
        let results = object["results"] as? [String: Any] ?? [:]
        func findings(_ key: String) -> [Finding] {
            (results[key] as? [[String: Any]] ?? []).map { check in
                Finding(check: check["check_id"] as? String ?? "?", resource: check["resource"] as? String ?? "?",
                        comment: (check["check_result"] as? [String: Any])?["suppress_comment"] as? String ?? "")
            }
        }
        let summary = object["summary"] as? [String: Any] ?? [:]
        try #require((summary["parsing_errors"] as? Int ?? 0) == 0, "checkov could not read \(path)")
        return Scan(failed: findings("failed_checks"), skipped: findings("skipped_checks"), passed: summary["passed"] as? Int ?? 0)
    }

    @Test("no unexplained finding", arguments: TemplateTests.templateNames)
    func clean(_ name: String) throws {
        let scan = try Self.scan(TemplateTests.path(name))
        #expect(scan.failed.isEmpty, "checkov finds \(scan.failed)")
        #expect(scan.unexplained.isEmpty, "skipped without a reason: \(scan.unexplained)")
        #expect(scan.passed > 10, "checkov ran its checks (\(scan.passed) passed)")
        print("checkov \(name): \(scan.passed) passed, \(scan.failed.count) failed, skipped with reasons: \(scan.skipped.map(\.description))")
    }

    @Test("a weakened template fails: an unencrypted topic is found, and a skip without its reason is caught")
    func weakened() throws {
        var text = try String(contentsOfFile: TemplateTests.template, encoding: .utf8)
        let encryption = "      KmsMasterKeyId: !If [CreatesTopicKey, !Ref TopicKey, !Ref TopicKmsKeyArn]\n"
        try #require(text.contains(encryption))
        text = text.replacing(encryption, with: "")
        let reason = try #require(text.firstRange(of: #/            comment: Encrypted at rest with SQS-managed keys[^\n]*\n/#))
        text.replaceSubrange(reason, with: "")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("weakened-\(UUID().uuidString.prefix(8)).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let scan = try Self.scan(path)
        #expect(scan.failed.contains { $0.check == "CKV_AWS_26" && $0.resource.hasSuffix("AlertTopic") }, "\(scan.failed)")
        #expect(scan.unexplained.map(\.check) == ["CKV_AWS_27"], "\(scan.skipped)")
    }
}
