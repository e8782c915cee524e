import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import Support

/// The savings ledger end to end: the checker notes its alerts and stops on the records, the
/// StateChangeHandler turns a credited stop into a ledger item and the next start or end closes it,
/// against moto's DynamoDB (signatures checked).
@Suite("Savings ledger: credited stops written once, closed once", .serialized)
struct LedgerTests: OnCheckerFixture {
    let fixture: CheckerFixture

    /// One region for the suite, its tests one after another, each starting with none of its
    /// instances running (moto's regions are few: a region per test would run out).
    static let region = MotoServer.privateRegion(offering: ["m5.large"])

    init() throws {
        fixture = try CheckerFixture(region: Self.region, shared: true, name: "ledger")
    }

    @discardableResult
    func stateChange(_ id: String, _ state: String, at time: UTCDateTime) throws -> CheckerFixture.Recorded {
        try fixture.stateChange(id, state, at: time)
    }

    static func time(_ offset: Int, from base: UTCDateTime) -> UTCDateTime { UTCDateTime(epochSeconds: base.epochSeconds + offset) }

    @Test("after an alert, a stop by anyone is one after-alert item with the alert's price, owner and Name; duplicates, `stopped` after `stopping` and a late start change nothing; the next start closes it once")
    func afterAlert() throws {
        let pricing = try PricingPeer()
        try pricing.accept(moto.credentials)
        try pricing.price("m5.large", in: region, usd: "0.0960000000")
        let web = try fixture.launch(tags: ["Name": "web", "owner": "alice"], type: "m5.large").id
        try ec2.age(10 * 3600)
        let check = try fixture.check(["AWS_ENDPOINT_URL_PRICING": pricing.endpoint])
        #expect(check.ids("notifiedInstanceIds") == [web], check.summary)
        let record = try fixture.records()[web] ?? [:]
        #expect(record["alerted_at"] != nil && record["hourly_usd"] == "0.096" && record["owner"] == "alice" && record["name"] == "web", "\(record)")

        let stop = UTCDateTime(epochSeconds: AgingProxy.now.epochSeconds + 60)
        #expect(try stateChange(web, "stopping", at: stop).action == "recorded-stop")
        #expect(try stateChange(web, "stopping", at: stop).action == "stale-ignored", "a duplicate")
        #expect(try stateChange(web, "stopped", at: Self.time(30, from: stop)).action == "recorded-stop")
        #expect(try stateChange(web, "running", at: Self.time(-3600, from: stop)).action == "stale-ignored", "a late start, from before the stop")
        var items = try fixture.ledgerItems()
        #expect(items.count == 1, "\(items)")
        let item = try #require(items.first)
        #expect(item["instance_id"] == web && item["stopped_at"] == stop.extendedISO8601 && item["stopped_by"] == "after-alert", "\(item)")
        #expect(item["hourly_usd"] == "0.096" && item["price_basis"] == "on-demand Linux price" && item["instance_type"] == "m5.large")
        #expect(item["owner"] == "alice" && item["name"] == "web" && item["account"] == "123456789012" && item["region"] == region)
        #expect(item["alerted_at"] == record["alerted_at"] && item["restarted_at"] == nil)
        let expires = try #require(item["expires_at"].flatMap(Int.init))
        #expect(expires == stop.epochSeconds + 400 * 86_400)

        let restart = Self.time(2 * 3600, from: stop)
        #expect(try stateChange(web, "running", at: restart).action == "recorded-start")
        #expect(try stateChange(web, "running", at: restart).action == "stale-ignored")
        items = try fixture.ledgerItems()
        #expect(items.count == 1 && items.first?["restarted_at"] == restart.extendedISO8601, "\(items)")
        // A new run: the earlier alert was about the last one, so a stop now is nobody's.
        #expect(try stateChange(web, "stopping", at: Self.time(3600, from: restart)).action == "recorded-stop")
        #expect(try fixture.ledgerItems().count == 1)
        #expect(try fixture.records()[web]?["alerted_at"] == nil)
    }

    @Test("an auto-stop notes its intent and price before EC2 is asked; its state change writes an auto-stop item; the termination closes it with ended_at")
    func autoStop() throws {
        let pricing = try PricingPeer()
        try pricing.accept(moto.credentials)
        try pricing.price("m5.large", in: region, usd: "0.0960000000")
        let runner = try fixture.launch(tags: ["Name": "ci-runner", UptimePolicy.stopAfterTag: "8h"], type: "m5.large").id
        try ec2.age(10 * 3600)
        let check = try fixture.check(["AWS_ENDPOINT_URL_PRICING": pricing.endpoint, "AUTO_STOP": "on", "AUTO_STOP_REQUIRE_IDLE": "false"])
        #expect(check.ids("stopped") == [runner], check.summary)
        let record = try fixture.records()[runner] ?? [:]
        #expect(record["stop_credit"] == "auto-stop" && record["hourly_usd"] == "0.096", "\(record)")

        let stop = AgingProxy.now
        #expect(try stateChange(runner, "stopping", at: stop).action == "recorded-stop")
        let item = try #require(try fixture.ledgerItems().first)
        #expect(item["stopped_by"] == "auto-stop" && item["hourly_usd"] == "0.096" && item["name"] == "ci-runner" && item["alerted_at"] == nil, "\(item)")
        let end = Self.time(86_400, from: stop)
        #expect(try stateChange(runner, "terminated", at: end).action == "recorded-termination")
        #expect(try stateChange(runner, "running", at: Self.time(60, from: end)).action == "stale-ignored", "a late start after the end")
        let closed = try fixture.ledgerItems()
        #expect(closed.count == 1 && closed.first?["ended_at"] == end.extendedISO8601 && closed.first?["restarted_at"] == nil, "\(closed)")
    }

    @Test("a stop nobody was told about, and one a day and more after its alert, leave the ledger empty")
    func uncredited() throws {
        let quiet = try fixture.launch().id
        let now = AgingProxy.now
        #expect(try stateChange(quiet, "running", at: Self.time(-3600, from: now)).action == "recorded-start")
        #expect(try stateChange(quiet, "stopped", at: now).action == "recorded-stop")
        let old = try fixture.launch().id
        try fixture.put([["instance_id": old, "state": "running", "start_time": "2026-11-01T00:00:00Z", "stop_time": "",
                          "last_event_time": "2026-11-01T00:00:00Z", "alerted_at": Self.time(-86_401, from: now).extendedISO8601]])
        #expect(try stateChange(old, "stopping", at: now).action == "recorded-stop")
        #expect(try fixture.ledgerItems().isEmpty)
    }

    @Test("a ledger table that cannot be written fails the state change (EventBridge retries it); the retry, now a duplicate for the table, writes the item")
    func retried() throws {
        let id = try fixture.launch().id
        let now = AgingProxy.now
        try fixture.put([["instance_id": id, "state": "running", "start_time": "2026-11-01T00:00:00Z", "stop_time": "",
                          "last_event_time": "2026-11-01T00:00:00Z", "alerted_at": Self.time(-600, from: now).extendedISO8601]])
        let missing = try fixture.stateChange(id, "stopping", at: now, ["LEDGER_TABLE_NAME": "no-such-ledger"])
        #expect(missing.status != 0 && missing.stderr.contains("ResourceNotFoundException"), "\(missing.stderr.suffix(800))")
        #expect(try fixture.records()[id]?["state"] == "stopping", "the record took the stop before the ledger failed")
        #expect(try stateChange(id, "stopping", at: now).action == "stale-ignored")
        let items = try fixture.ledgerItems()
        #expect(items.count == 1 && items.first?["stopped_by"] == "after-alert", "\(items)")
    }
}
