import Testing
@testable import InstanceWatchCore
@testable import AWS
@testable import Support

@Suite("StopCredit: which stops the ledger counts, from the record alone")
struct StopCreditTests {
    static let stop = UTCDateTime(year: 2026, month: 11, day: 21, hour: 12)
    static func at(_ offset: Int) -> AttributeValue { .s(UTCDateTime(epochSeconds: stop.epochSeconds + offset).extendedISO8601) }
    static let window = 86_400

    static func record(_ extra: DynamoDBItem) -> DynamoDBItem {
        ["instance_id": .s("i-1"), "state": .s("stopping"), "account": .s("111111111111"), "region": .s("eu-west-1"),
         StopCredit.ledgerStop: .s(stop.extendedISO8601)].merging(extra) { $1 }
    }

    @Test("an intent noted just before the stop wins; an hour-old intent is a call that never became a stop")
    func intents() {
        let fresh = Self.record(["stop_credit": .s("slack:U024BE7LH"), "stop_credit_at": Self.at(-5), "alerted_at": Self.at(-3600)])
        #expect(StopCredit.creditedTo(record: fresh, stoppedAt: Self.stop, window: Self.window)?.by == "slack:U024BE7LH")
        let stale = Self.record(["stop_credit": .s("auto-stop"), "stop_credit_at": Self.at(-3601)])
        #expect(StopCredit.creditedTo(record: stale, stoppedAt: Self.stop, window: Self.window) == nil)
        let ahead = Self.record(["stop_credit": .s("auto-stop"), "stop_credit_at": Self.at(StopCredit.clockSlack + 1)])
        #expect(StopCredit.creditedTo(record: ahead, stoppedAt: Self.stop, window: Self.window) == nil, "an intent noted well after the stop did not cause it")
        let recorded = Self.record(["auto_stopped_at": Self.at(2)])
        #expect(StopCredit.creditedTo(record: recorded, stoppedAt: Self.stop, window: Self.window)?.by == "auto-stop", "markStopped credits a stop whose intent was not noted")
    }

    @Test("a stop by anyone within CREDIT_WINDOW after an alert is after-alert, with the alert's time; a day and a second later it is nobody's")
    func afterAlert() throws {
        let within = Self.record(["alerted_at": Self.at(-Self.window)])
        let credit = try #require(StopCredit.creditedTo(record: within, stoppedAt: Self.stop, window: Self.window))
        #expect(credit.by == "after-alert" && credit.alertedAt?.epochSeconds == Self.stop.epochSeconds - Self.window)
        #expect(StopCredit.creditedTo(record: Self.record(["alerted_at": Self.at(-Self.window - 1)]), stoppedAt: Self.stop, window: Self.window) == nil)
        #expect(StopCredit.creditedTo(record: Self.record([:]), stoppedAt: Self.stop, window: Self.window) == nil, "no alert, no intent: not the product's")
        #expect(StopCredit.creditedTo(record: Self.record(["alerted_at": .s("yesterday")]), stoppedAt: Self.stop, window: Self.window) == nil)
    }

    @Test("the item keeps the record's price, basis, owner, Name, type, account and region; only the run's first stop has one")
    func item() throws {
        let record = Self.record(["alerted_at": Self.at(-600), "hourly_usd": .n("0.096"), "price_basis": .s("on-demand Linux price"),
                                  "owner": .s("alice"), "name": .s("web"), "instance_type": .s("m5.large")])
        let item = try #require(StopCredit.item(record: record, instanceId: "i-1", stoppedAt: Self.stop, window: Self.window))
        #expect(item.stoppedBy == "after-alert" && item.hourlyUSD == 0.096 && item.priceBasis == "on-demand Linux price")
        #expect(item.owner == "alice" && item.name == "web" && item.instanceType == "m5.large" && item.account == "111111111111" && item.region == "eu-west-1")
        #expect(item.alertedAt?.epochSeconds == Self.stop.epochSeconds - 600)
        let later = UTCDateTime(epochSeconds: Self.stop.epochSeconds + 30)
        #expect(StopCredit.item(record: record, instanceId: "i-1", stoppedAt: later, window: Self.window) == nil, "`stopped` after `stopping`: one stop, one item")
        var unpriced = record
        unpriced["hourly_usd"] = .s("cheap")
        #expect(try #require(StopCredit.item(record: unpriced, instanceId: "i-1", stoppedAt: Self.stop, window: Self.window)).hourlyUSD == nil)
        #expect(item.attributes["hourly_usd"] == .n("0.096") && item.attributes["stopped_at"] == .s(Self.stop.extendedISO8601))
    }

    @Test("a start or end closes the stop the record credited, and nothing when it credited none")
    func close() {
        #expect(StopCredit.stopToClose(record: Self.record(["alerted_at": Self.at(-60)]), window: Self.window) == Self.stop)
        #expect(StopCredit.stopToClose(record: Self.record([:]), window: Self.window) == nil)
        var noStop = Self.record(["alerted_at": Self.at(-60)])
        noStop[StopCredit.ledgerStop] = nil
        #expect(StopCredit.stopToClose(record: noStop, window: Self.window) == nil)
    }

    @Test("the notes: an alert sets alerted_at and the facts it knows, names through placeholders (name and owner are reserved words)")
    func notes() {
        let note = StopCredit.alerted(at: Self.stop, facts: StopCredit.Facts(hourlyUSD: 0.5, owner: "alice", name: "web"))
        #expect(note.text == "SET alerted_at = :at, #hourly_usd = :hourly_usd, #owner = :owner, #name = :name")
        #expect(note.names["#name"] == "name" && note.values[":owner"] == .s("alice"))
        let intent = StopCredit.intent(by: "auto-stop", at: Self.stop, facts: StopCredit.Facts(hourlyUSD: .nan))
        #expect(intent.text == "SET stop_credit = :by, stop_credit_at = :at", "a price that is not a number is left out")
    }
}
