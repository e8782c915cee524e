import Foundation
import Testing
@testable import Support

/// One run of the UptimeChecker executable on one schedule tick (`--event -`), as the end-to-end
/// suites run it: its exit status, its JSON answer, and its log.
struct CheckerRun {
    let status: Int32
    let result: [String: Any]
    let stderr: String

    func ids(_ key: String) -> [String] { (result[key] as? [String]) ?? [] }
    func count(_ key: String) -> Int? { result[key] as? Int }
    /// The answer and the end of the log, for a failure message.
    var summary: Comment { "\(result) \(stderr.suffix(2_000))" }

    /// Runs the debug build with `environment` (and a bare PATH) on a tick dated `tick` in `region`.
    static func run(environment: [String: String], tick: UTCDateTime = AgingProxy.now, region: String) throws -> CheckerRun {
        try run(environment: environment, event: TestEvents.tick(at: tick, region: region))
    }

    /// Runs the debug build on `event` (`{"report": "weekly"}`).
    static func run(environment: [String: String], event: String) throws -> CheckerRun {
        let run = try runCommand(TestPaths.debugExecutable("UptimeChecker"), ["--event", "-"],
                                 environment: environment.merging(["PATH": "/usr/bin:/bin"]) { $1 },
                                 input: Data(event.utf8))
        let result = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]) ?? [:]
        return CheckerRun(status: run.status, result: result, stderr: run.stderr)
    }
}
