import Foundation
import Testing
@testable import InstanceWatchCore
@testable import AWS
@testable import Support

@Suite("What stops saved")
struct SavingsTests {
    /// A week: 2026-11-27T08:00Z to 2026-12-04T08:00Z.
    static let end = UTCDateTime.parse("2026-12-04T08:00:00Z")!
    static let start = UTCDateTime(epochSeconds: end.epochSeconds - 7 * 86_400)

    static func at(_ hoursBeforeEnd: Int) -> UTCDateTime { UTCDateTime(epochSeconds: end.epochSeconds - hoursBeforeEnd * 3600) }

    static func item(_ id: String, stoppedHoursAgo: Int, hourly: Double?, restarted: Int? = nil, ended: Int? = nil) -> LedgerItem {
        var item = LedgerItem(instanceId: id, stoppedAt: at(stoppedHoursAgo), stoppedBy: "auto-stop", hourlyUSD: hourly)
        item.restartedAt = restarted.map(at)
        item.endedAt = ended.map(at)
        return item
    }

    @Test("open, restarted, ended, capped, unpriced, and begun before the period: each to the cent")
    func figures() {
        let items = [
            Self.item("i-open", stoppedHoursAgo: 10, hourly: 0.0416),               // 10 h: $0.416
            Self.item("i-restarted", stoppedHoursAgo: 30, hourly: 0.192, restarted: 6), // 24 h: $4.608
            Self.item("i-ended", stoppedHoursAgo: 50, hourly: 1.0, ended: 48),       // 2 h: $2.00
            Self.item("i-unpriced", stoppedHoursAgo: 5, hourly: nil),                // 5 h, no dollars
            Self.item("i-before", stoppedHoursAgo: 200, hourly: 0.10),               // stopped before the period: 168 h in it: $16.80
        ]
        let week = Savings.of(items, from: Self.start, to: Self.end)
        #expect(abs(week.dollars - (0.416 + 4.608 + 2.0 + 16.8)) < 0.005, "\(week.dollars)")
        #expect(week.pricedHours == 10 + 24 + 2 + 168 && week.unpricedHours == 5 && week.stops == 5)
        #expect(week.leftOut.isEmpty)

        // Capped: a stop nobody undid counts SAVINGS_CAP at most (here 3 days of an item stopped 5 days ago).
        let capped = Savings.of([Self.item("i-old", stoppedHoursAgo: 120, hourly: 0.5)], from: Self.start, to: Self.end, cap: 3 * 86_400)
        #expect(capped.pricedHours == 72 && abs(capped.dollars - 36) < 0.005)
        // A cap that ended before the period: nothing in it.
        let expired = Savings.of([Self.item("i-older", stoppedHoursAgo: 300, hourly: 0.5)], from: Self.start, to: Self.end, cap: 3 * 86_400)
        #expect(expired.dollars == 0 && expired.stops == 0)
    }

    @Test("an item that started again or ended before it stopped is left out and named")
    func negative() {
        let savings = Savings.of([Self.item("i-bad", stoppedHoursAgo: 5, hourly: 1, restarted: 8), Self.item("i-good", stoppedHoursAgo: 2, hourly: 1)],
                                 from: Self.start, to: Self.end)
        #expect(abs(savings.dollars - 2) < 0.005 && savings.stops == 1)
        #expect(savings.leftOut.count == 1 && savings.leftOut[0].contains("i-bad") && savings.leftOut[0].contains("before it stopped"))
    }

    @Test("reading a ledger item: a price that is not a number counts hours and is named; an item without a readable stop is left out")
    func reading() {
        let good = LedgerItem.read(["instance_id": .s("i-1"), "stopped_at": .s("2026-12-01T10:00:00Z"), "stopped_by": .s("slack:U1"),
                                    "hourly_usd": .n("0.0416"), "price_basis": .s("on-demand Linux"), "restarted_at": .s("2026-12-01T20:00:00Z")])
        #expect(good.problems.isEmpty && good.item?.hourlyUSD == 0.0416 && good.item?.stoppedBy == "slack:U1" && good.item?.restartedAt != nil)
        let text = LedgerItem.read(["instance_id": .s("i-2"), "stopped_at": .s("2026-12-01T10:00:00Z"), "hourly_usd": .s("cheap")])
        #expect(text.item?.hourlyUSD == nil && text.problems.count == 1 && text.problems[0].contains("hourly_usd is not a price"))
        let negative = LedgerItem.read(["instance_id": .s("i-3"), "stopped_at": .s("2026-12-01T10:00:00Z"), "hourly_usd": .n("-1")])
        #expect(negative.item?.hourlyUSD == nil && negative.problems.count == 1)
        let badTime = LedgerItem.read(["instance_id": .s("i-4"), "stopped_at": .s("2026-12-01T10:00:00Z"), "ended_at": .s("yesterday")])
        #expect(badTime.item?.endedAt == nil && badTime.problems.first?.contains("ended_at is not a time") == true)
        #expect(LedgerItem.read(["instance_id": .s("i-5"), "stopped_at": .s("soon")]).item == nil)
        #expect(LedgerItem.read(["stopped_at": .s("2026-12-01T10:00:00Z")]).item == nil)
    }
}
