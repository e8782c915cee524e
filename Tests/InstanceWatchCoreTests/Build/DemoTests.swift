import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// `make demo`'s script, run as `make demo` runs it (after `make build`): it must reach the end and
/// show the alerts, so the README's first command keeps working.
@Suite("make demo")
struct DemoTests {
    @Test("the demo story runs to the end across two accounts and two regions, shows the table, the e-mail and both Slack alerts, and clicks Snooze in Slack app mode")
    func demo() throws {
        try #require(FileManager.default.fileExists(atPath: TestPaths.repositoryRoot.appendingPathComponent(".build/lambda/UptimeChecker/bootstrap").path),
                     "run `make build` first (make test does)")
        let run = try runCommand(TestPaths.python, [TestPaths.repositoryRoot.appendingPathComponent("scripts/demo.py").path],
                                 environment: ["PATH": "/usr/bin:/bin"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        for text in ["-> recorded-start", "-> slack-notified", "-> recorded-termination", "-> recorded-stop",
                     "overdue 3, notified 3, repaired 1, 6 account/region pairs checked", "but missing from the table",
                     "Subject: instance-watch: 3 instances running too long", "Account 111111111111 (1 instance):",
                     "Account 222222222222 (1 instance):", "(ml-training), m5.large, us-east-1",
                     "[#FFC300] Spot interruption: i-", "Name           batch-worker", "Account        111111111111",
                     "[#E01E5A] 3 instances running too long", "Cost: about $0.91 so far in all (estimate).",
                     "cost: about $0.67 so far, $0.096 an hour (estimate: on-demand Linux price)",
                     "Stopped by instance-watch after 6h (tag instance-watch:stop-after); it was not terminated.",
                     "buttons: snooze_1d, snooze_1w, stop_now", "with a wrong signature -> HTTP 401", "the signed click -> HTTP 200",
                     "table: snoozed_by      @alice (U0ALICE)", "replaced through the click's response_url: i-",
                     "snoozed, not alerted: i-", "closed in place with chat.update: i-",
                     "stopped 20", "by auto-stop  at $0.0228/h (forgotten-sandbox)", "by after-alert  at $0.096/h (ml-training)",
                     "Subject: instance-watch weekly, week to ", "Compute only: a stopped instance's volumes are still billed.",
                     "files.completeUploadExternal", ".build/demo/weekly-report.png", "Done."] {
            #expect(run.stdout.contains(text), "the demo's output lacks \(text)")
        }
        // The chart the demo wrote is the one the app uploaded: a PNG Python's zlib reads, 900x420.
        let chart = try Data(contentsOf: TestPaths.repositoryRoot.appendingPathComponent(".build/demo/weekly-report.png"))
        let png = try PNGCheck.read(Array(chart))
        #expect(png.width == 900 && png.height == 420 && (png.counts["2e9e5b"] ?? 0) > 0 && (png.counts["d9534f"] ?? 0) > 0, "\(png.counts)")
    }
}
