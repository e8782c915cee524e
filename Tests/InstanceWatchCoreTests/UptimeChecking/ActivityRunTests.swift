import Foundation
import Logging
import Testing
@testable import InstanceWatchCore
@testable import UptimeChecking
@testable import AWS
@testable import Support

@Suite("How long a run's activity queries may take")
struct ActivityRunTests {
    func run(concurrency: Int, timeLeft: TimeInterval) -> ActivityRun {
        var configuration = FunctionConfiguration()
        configuration.checkConcurrency = concurrency
        return ActivityRun(configuration: configuration, fleet: UptimeCheckHandlerTests.FakeFleet([:]), ownAccount: "123456789012",
                           now: UTCDateTime(epochSeconds: 0), deadline: Date().addingTimeInterval(timeLeft), logger: Logger(label: "test"))
    }

    @Test("a few pairs get the fixed 8 s (a stalling CloudWatch costs no more); many get a quarter-second a round of the pool, within 30% of the time left")
    func budget() {
        #expect(run(concurrency: 32, timeLeft: 600).budget(pairs: 1) == 8)
        #expect(run(concurrency: 32, timeLeft: 600).budget(pairs: 1_000) == 8)
        // 17,017 pairs at 32: 532 rounds, 133 s wanted; 30% of 600 s is 180 s.
        #expect(run(concurrency: 32, timeLeft: 600).budget(pairs: 17_017) == 133)
        // With 200 s left, 30% of it: 60 s.
        let short = run(concurrency: 32, timeLeft: 200).budget(pairs: 17_017)
        #expect(short > 59 && short <= 60)
        // Never under 8 s, however little time is left (the run's own deadline still bounds it).
        #expect(run(concurrency: 64, timeLeft: 5).budget(pairs: 17_017) == 8)
    }
}
