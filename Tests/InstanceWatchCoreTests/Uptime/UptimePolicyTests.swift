import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("UptimePolicy")
struct UptimePolicyTests {
    @Test("the tag overrides the threshold, silences it, or (when unreadable) leaves it", arguments: [
        (nil, UptimePolicy.Limit.threshold(seconds: 21_600), false),
        ("12h", .tag(seconds: 43_200), false),
        (" OFF ", .silenced, false),
        ("90m", .tag(seconds: 5400), false),
        ("0", .threshold(seconds: 21_600), true),
        ("soon", .threshold(seconds: 21_600), true),
    ] as [(String?, UptimePolicy.Limit, Bool)])
    func limit(tag: String?, expected: UptimePolicy.Limit, hasProblem: Bool) {
        let tags = tag.map { [UptimePolicy.overrideTag: $0] } ?? ["Name": "x"]
        let (limit, problem) = UptimePolicy.limit(tags: tags, threshold: 21_600)
        #expect(limit == expected)
        #expect((problem != nil) == hasProblem)
    }

    @Test("overdue at exactly the limit, not a second before; never when silenced")
    func overdue() {
        let since = UTCDateTime(year: 2026, month: 11, day: 21, hour: 8)
        let limit = UptimePolicy.Limit.threshold(seconds: 3600)
        #expect(UptimePolicy.isOverdue(runningSince: since, now: UTCDateTime(year: 2026, month: 11, day: 21, hour: 9), limit: limit))
        #expect(!UptimePolicy.isOverdue(runningSince: since, now: UTCDateTime(year: 2026, month: 11, day: 21, hour: 8, minute: 59, second: 59), limit: limit))
        #expect(!UptimePolicy.isOverdue(runningSince: since, now: UTCDateTime(year: 2027, month: 1, day: 1), limit: .silenced))
    }

    @Test("limits explain where they come from")
    func explained() {
        #expect(UptimePolicy.Limit.threshold(seconds: 21_600).explained == "6h (UPTIME_THRESHOLD)")
        #expect(UptimePolicy.Limit.tag(seconds: 5400).explained == "1h 30m (tag instance-watch:max-uptime)")
    }
}
