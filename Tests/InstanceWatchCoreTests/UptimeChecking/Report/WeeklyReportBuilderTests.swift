import Foundation
import Testing
@testable import InstanceWatchCore
@testable import UptimeChecking
@testable import AWS
@testable import Support

@Suite("WeeklyReportBuilder: the report's figures to the cent, for the organisation and each owner")
struct WeeklyReportBuilderTests {
    static let now = UTCDateTime(year: 2026, month: 12, day: 7, hour: 8)
    static func ago(hours: Int) -> UTCDateTime { UTCDateTime(epochSeconds: now.epochSeconds - hours * 3600) }
    static let day = 24

    static func item(_ id: String, stoppedHoursAgo: Int, by: String = "auto-stop", hourly: Double? = 0.1, owner: String? = "alice",
                     restartedHoursAgo: Int? = nil, endedHoursAgo: Int? = nil) -> LedgerItem {
        var item = LedgerItem(instanceId: id, stoppedAt: ago(hours: stoppedHoursAgo), stoppedBy: by, hourlyUSD: hourly, priceBasis: hourly == nil ? nil : "on-demand Linux price")
        item.owner = owner
        item.account = "111111111111"
        item.region = "eu-west-1"
        item.restartedAt = restartedHoursAgo.map(ago(hours:))
        item.endedAt = endedHoursAgo.map(ago(hours:))
        return item
    }

    static func overdue(_ id: String, runningHours: Int, hourly: Double?, owner: String?, idle: Bool) -> RunningInstance {
        var instance = RunningInstance(id: id, name: "n-\(id)", type: "m5.large", region: "eu-west-1", account: "111111111111",
                                       since: ago(hours: runningHours), limit: .threshold(seconds: 6 * 3600))
        instance.price = hourly.map { InstancePrice(hourlyUSD: $0, source: .onDemand) }
        instance.owner = owner
        instance.activity = idle ? .idle(.init(windowHours: 24, cpuPeakPercent: 1, networkMBPerDay: 0.1)) : .busy(.init(windowHours: 24, cpuPeakPercent: 80, networkMBPerDay: 500))
        return instance
    }

    static let items = [
        // Open since 2 days ago: 48 h at $0.10 = $4.80 in the period.
        item("i-open", stoppedHoursAgo: 2 * day),
        // Stopped 3 days ago, restarted a day later: 24 h at $0.50 = $12.00.
        item("i-restarted", stoppedHoursAgo: 3 * day, by: "slack:U1", hourly: 0.5, owner: "bob", restartedHoursAgo: 2 * day),
        // Stopped 10 days ago, still open: only the period's 7 days count: 168 h at $0.10 = $16.80.
        item("i-before", stoppedHoursAgo: 10 * day, by: "after-alert"),
        // Stopped 40 days ago, never restarted: capped at 30 days, before the period: nothing in it; 720 h to date.
        item("i-capped", stoppedHoursAgo: 40 * day, hourly: 0.01),
        // Ended 12 h after it stopped 5 days ago: 12 h at $1.00 = $12.00.
        item("i-ended", stoppedHoursAgo: 5 * day, hourly: 1.0, endedHoursAgo: 5 * day - 12),
        // No price: 24 h counted, not in dollars.
        item("i-unpriced", stoppedHoursAgo: 1 * day, hourly: nil, owner: nil),
        // Restarted before it stopped: left out, named.
        item("i-wrong", stoppedHoursAgo: 1 * day, restartedHoursAgo: 2 * day),
    ]

    static var snoozedInstance: RunningInstance {
        var instance = overdue("i-snoozed", runningHours: 7, hourly: 1.0, owner: "alice", idle: false)
        instance.snoozedUntil = UTCDateTime(epochSeconds: now.epochSeconds + 3600)
        instance.snoozedBy = "@alice"
        return instance
    }

    static var inputs: WeeklyReportBuilder.Inputs {
        WeeklyReportBuilder.Inputs(
            items: items,
            overdue: [overdue("i-idle", runningHours: 10, hourly: 0.2, owner: "alice", idle: true),
                      overdue("i-long", runningHours: 9 * day, hourly: 0.1, owner: "bob", idle: false),
                      overdue("i-free", runningHours: 8, hourly: nil, owner: nil, idle: true)],
            snoozed: [snoozedInstance],
            history: [ReportSummary(periodEnd: UTCDateTime(epochSeconds: now.epochSeconds - 7 * 86_400 + 60), overdueUSD: 33.3, savingsUSD: 0,
                                    overdueByOwner: ["bob": 30])],
            now: now, cap: 30 * 86_400, leftOut: ["ledger item x: hourly_usd is not a price; its hours count, not dollars"]
        )
    }

    @Test("the organisation's period: open, restarted, before the period, capped, ended and unpriced stops, to the cent; the bad item named")
    func organisation() {
        let report = WeeklyReportBuilder.report(Self.inputs, owner: nil)
        #expect(report.periodStart == Self.ago(hours: 7 * Self.day) && report.periodEnd == Self.now)
        let periodDollars: Double = 4.80 + 12.00 + 16.80 + 12.00
        #expect(abs(report.savings.dollars - periodDollars) < 0.005, "\(report.savings.dollars)")
        #expect(abs(report.savings.unpricedHours - 24) < 0.001)
        #expect(report.savings.stops == 5, "the capped stop saved nothing in the period")
        // To date: every hour since the first stop, the capped one's 720 h at $0.01 included.
        let before: Double = 10 * 24 * 0.10, capped: Double = 720 * 0.01
        let toDate: Double = 4.80 + 12.00 + before + capped + 12.00
        #expect(abs(report.savingsToDate.dollars - toDate) < 0.005, "\(report.savingsToDate.dollars) vs \(toDate)")
        #expect(report.ledgerBegan == Self.ago(hours: 40 * Self.day))
        #expect(report.stops.map(\.item.instanceId) == ["i-ended", "i-restarted", "i-open", "i-unpriced", "i-wrong"], "stopped in the period, oldest first")
        #expect(report.stops.first { $0.item.instanceId == "i-unpriced" }?.savedUSD == nil)
        #expect(report.leftOut.contains { $0.contains("i-wrong") } && report.leftOut.contains { $0.contains("hourly_usd is not a price") })
        #expect(report.overdue.count == 3 && abs((report.overdue.first { $0.instanceId == "i-long" }?.costSoFarUSD ?? 0) - 21.6) < 0.005)
        #expect(abs(report.idleHourlyUSD - 0.2) < 1e-9, "the idle instances' hourly spend: the priced idle one")
        // Overdue cost within the period: i-idle 10 h x 0.2 = 2.00, i-long 168 h x 0.1 = 16.80, the snoozed one 7 h x 1 = 7.00.
        #expect(abs(report.overdueCostThisPeriodUSD - 25.80) < 0.005)
        #expect(report.snoozed == ["i-snoozed (n-i-snoozed): snoozed until 2026-12-07T09:00:00Z by @alice"] && !report.overdue.contains { $0.instanceId == "i-snoozed" })
        #expect(report.weeks.count == 8 && report.weeks.last?.overdueCostUSD == report.overdueCostThisPeriodUSD)
        #expect(report.weeks[6].overdueCostUSD == 33.3, "last week's report measured it")
        #expect(report.weeks[0].overdueCostUSD == nil, "no report then: not measured, not zero")
        #expect(abs((report.weeks.last?.savingsUSD ?? 0) - report.savings.dollars) < 1e-9)
        let weekBefore: Double = 3 * 24 * 0.10 + 4 * 24 * 0.01
        #expect(abs(report.weeks[6].savingsUSD - weekBefore) < 0.005, "the week before: i-before's first 3 days, i-capped's last 4 before its cap")
    }

    @Test("an owner's report holds their stops and instances only, and their own past overdue cost")
    func owner() {
        let bob = WeeklyReportBuilder.report(Self.inputs, owner: "BOB")
        #expect(bob.stops.map(\.item.instanceId) == ["i-restarted"] && abs(bob.savings.dollars - 12) < 0.005)
        #expect(bob.overdue.map(\.instanceId) == ["i-long"] && bob.snoozed.isEmpty)
        #expect(bob.weeks[6].overdueCostUSD == 30)
        let alice = WeeklyReportBuilder.report(Self.inputs, owner: "alice")
        #expect(alice.snoozed.count == 1 && alice.overdue.map(\.instanceId) == ["i-idle"])
    }

    @Test("the summary a report keeps: overdue cost overall and by owner, read back from its item; an instance's item is not one")
    func summary() throws {
        let organisation = WeeklyReportBuilder.report(Self.inputs, owner: nil)
        let summary = WeeklyReportBuilder.summary(Self.inputs, organisation: organisation)
        #expect(abs(summary.overdueUSD - 25.8) < 0.005 && abs((summary.overdueByOwner["bob"] ?? 0) - 16.8) < 0.005 && abs((summary.overdueByOwner["alice"] ?? 0) - 9) < 0.005)
        let read = try #require(ReportSummary.read(summary.attributes))
        #expect(read.periodEnd == Self.now && abs(read.overdueUSD - 25.8) < 0.0001 && read.overdueByOwner.keys.sorted() == ["alice", "bob"])
        #expect(ReportSummary.read(Self.items[0].attributes) == nil)
    }

    @Test("the text: a subject of at most 100 characters starting instance-watch weekly, the figures, the lists capped, compute only said")
    func text() {
        var inputs = Self.inputs
        inputs.items += (0..<30).map { Self.item("i-many\($0)", stoppedHoursAgo: 3) }
        let report = WeeklyReportBuilder.report(inputs, owner: nil)
        let subject = WeeklyReportText.subject(report)
        #expect(subject == "instance-watch weekly, week to 2026-12-07: $54.60 saved, 35 stops, 3 past limit", "\(subject)")
        var long = report
        long.owner = String(repeating: "a", count: 80) + "@example.com"
        #expect(WeeklyReportText.subject(long).count == 100 && WeeklyReportText.subject(long).hasPrefix("instance-watch weekly for aaa"))
        let body = WeeklyReportText.body(report)
        #expect(body.contains("Stopped this week (35):") && body.contains("…and 15 more"))
        #expect(body.contains("Compute only: a stopped instance's volumes are still billed."))
        #expect(body.contains("Stop now by Slack user U1; saved $12.00 (24.0 h at $0.500/h)"), "\(body)")
        #expect(body.contains("i-long (n-i-long, bob) in 111111111111/eu-west-1: running 9d"), "\(body)")
        #expect(body.contains("not measured"))
    }
}
