import Foundation
import Testing
@testable import InstanceWatchCore
@testable import UptimeChecking
@testable import AWS
@testable import Support

@Suite("Activity rule")
struct ActivityRuleTests {
    func judge(cpu: [Double], network: [Double] = [], hours: Int) -> Activity {
        ActivityRule.judge(cpuMaxima: cpu, networkBytes: network, windowHours: hours, cpuPercent: 5, networkMBPerDay: 5)
    }

    @Test("idle: CPU peak under 5% and network under 5 MB a day, with CPU data for at least half the window")
    func idle() {
        let activity = judge(cpu: Array(repeating: 1.8, count: 26), network: Array(repeating: 16_000, count: 26), hours: 26)
        #expect(activity.isIdle && activity.sentence == "Idle for the last 1d 2h: CPU peak 1.8%, network 0.4 MB a day", "\(activity.sentence)")
    }

    @Test("busy: any CPU peak or network at the threshold, however little data")
    func busy() {
        #expect(judge(cpu: [1, 63], hours: 26).sentence.hasPrefix("Busy: CPU peak 63%"))
        #expect(judge(cpu: [1], network: [10_000_000], hours: 24).isBusy, "10 MB in a day")
        #expect(judge(cpu: [5.0], hours: 1).isBusy, "5% is not under 5%")
    }

    @Test("unknown: no CPU data, or quiet data for less than half the window")
    func unknown() {
        #expect(judge(cpu: [], hours: 10).sentence == "Activity unknown: no CPU data in the last 10h")
        #expect(judge(cpu: [1, 1, 1, 1], hours: 10).sentence == "Activity unknown: CPU data for 4 of the last 10 hours; at least 5 needed to call it idle")
        #expect(judge(cpu: [0.3], hours: 1).isIdle, "a one-hour window needs its one datapoint")
        #expect(ActivityRule.enoughHours(windowHours: 336) == 168)
    }

    @Test("queries go in calls of at most 500 queries and 100,800 datapoints")
    func batches() {
        let instance = RunningInstance(id: "i-1", region: "eu-west-1", since: UTCDateTime(epochSeconds: 0), limit: .threshold(seconds: 3600))
        #expect(ActivityRun.batches(Array(repeating: (instance, 1), count: 400)).map(\.count) == [166, 166, 68])
        #expect(ActivityRun.batches(Array(repeating: (instance, 336), count: 250)).map(\.count) == [100, 100, 50])
        let queries = ActivityRun.queries([instance])
        #expect(queries.map(\.id) == ["c0", "i0", "o0"] && queries.map(\.statistic) == ["Maximum", "Sum", "Sum"])
    }
}
