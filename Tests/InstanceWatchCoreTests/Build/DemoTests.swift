import Foundation
import Testing

/// `make demo`'s script, run as `make demo` runs it (after `make build`): it must reach the end and
/// show the alerts, so the README's first command keeps working.
@Suite("make demo")
struct DemoTests {
    @Test("the demo story runs to the end and shows the table, the e-mail and both Slack alerts")
    func demo() throws {
        try #require(FileManager.default.fileExists(atPath: TestPaths.repositoryRoot.appendingPathComponent(".build/lambda/UptimeChecker/bootstrap").path),
                     "run `make build` first (make test does)")
        let run = try runCommand(TestPaths.python, [TestPaths.repositoryRoot.appendingPathComponent("scripts/demo.py").path],
                                 environment: ["PATH": "/usr/bin:/bin"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        for text in ["-> recorded-start", "-> slack-notified", "-> recorded-termination", "-> recorded-stop",
                     "overdue 1, notified 1", "Subject: instance-watch: i-", "(web-frontend) running 7h, limit 6h",
                     "[#FFC300] Spot interruption: i-", "[#E01E5A] Running too long: i-", "Done."] {
            #expect(run.stdout.contains(text), "the demo's output lacks \(text)")
        }
    }
}
