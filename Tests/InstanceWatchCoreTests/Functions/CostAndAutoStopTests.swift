import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// Prices in alerts and AUTO_STOP, through the real UptimeChecker under the Runtime API emulator:
/// EC2, DynamoDB and SNS from moto (signatures checked), on-demand prices from the local Price
/// List peer (moto has no Price List API), Spot prices from moto's DescribeSpotPriceHistory (its
/// placeholder prices), Slack from a sink.
@Suite("Cost in alerts and auto-stop, end to end")
struct CostAndAutoStopTests: OnCheckerFixture {
    let fixture: CheckerFixture

    init() throws {
        fixture = try CheckerFixture(region: MotoServer.privateRegion(offering: ["m5.large", "c5.large"]), shared: false, name: "cost")
    }

    func environment(_ settings: [String: String]) -> [String: String] { fixture.environment(settings) }

    /// Every instance looks `hours` old from now on; a tick dated now.
    func after(hours: Int) throws -> String {
        try ec2.age(hours * 3600)
        return TestEvents.tick(at: AgingProxy.now, region: region)
    }

    func messages() throws -> [String] { try fixture.mails().map(\.body) }
    func states(_ ids: [String]) throws -> [String: String] { try fixture.states(ids) }

    @Test("an on-demand m5.large 10 h at $0.096/h reads about $0.96 so far in the e-mail and in Slack; a second run in the same process asks the Price List nothing and still prices it")
    func onDemandCost() throws {
        let pricing = try PricingPeer()
        try pricing.accept(moto.credentials)
        try pricing.price("m5.large", in: region, usd: "0.0960000000")
        _ = try moto.launch(region: region, tags: ["Name": "priced"], type: "m5.large")
        // Two ticks (two scheduled events), one process.
        let served = try RuntimeEmulator().serve("UptimeChecker", events: [try after(hours: 10), try after(hours: 10)],
                                                 environment: environment(["AWS_ENDPOINT_URL_PRICING": pricing.endpoint]))
        #expect(served.results.map(\.kind) == ["response", "response"], "\(served.stderr.suffix(1_500))")
        let expected = "about $0.96 so far, $0.096 an hour (estimate: on-demand Linux price)"
        let first = try #require(try messages().first)
        #expect(first.contains("Cost           \(expected)"), "\(first)")
        let posts = try sink.attempts().map(\.body)
        #expect(posts.first?.contains(expected) == true, "\(posts.first ?? "")")
        #expect(posts.count == 2 && posts.last?.contains(expected) == true, "the second run prices from the cache: \(posts.last ?? "")")
        #expect(try pricing.requests().count == 1, "one GetProducts for m5.large in \(region), the second run's from the cache")
    }

    @Test("a Spot instance is priced from DescribeSpotPriceHistory in its zone; a digest shows the total")
    func spotCostAndDigestTotal() throws {
        let pricing = try PricingPeer()
        try pricing.accept(moto.credentials)
        try pricing.price("m5.large", in: region, usd: "0.0960000000")
        _ = try moto.launch(region: region, type: "m5.large")
        _ = try moto.launch(region: region, spot: true, type: "c5.large")
        let served = try RuntimeEmulator().serve("UptimeChecker", events: [try after(hours: 10)],
                                                 environment: environment(["AWS_ENDPOINT_URL_PRICING": pricing.endpoint, "NOTIFY_MODE": "digest"]))
        #expect(served.results.first?.kind == "response", "\(served.stderr.suffix(1_500))")
        let digest = try #require(try messages().first)
        #expect(digest.contains("(estimate: Spot price in its zone)"), "\(digest)")
        #expect(digest.contains("Cost: about $0.96 so far in all (estimate)."), "moto's placeholder Spot price adds nothing visible: \(digest)")
        #expect(try sink.attempts().first?.body.contains("Cost: about $0.96 so far in all (estimate)") == true)
    }

    @Test("the Price List down or stalling: the alert goes out without a price, and the run does not wait for it")
    func priceUnavailable() throws {
        let launched = try moto.launch(region: region, type: "m5.large")
        let tick = try after(hours: 10)
        let stalling = try FaultServer()
        try stalling.setDefault(["action": "stall", "ms": 30_000, "then": ["status": 500, "body": "{}"]])
        for endpoint in ["http://127.0.0.1:\(try freePortNobodyListensOn())", stalling.endpoint] {
            let started = Date()
            let served = try RuntimeEmulator().serve("UptimeChecker", events: [tick],
                                                     environment: environment(["AWS_ENDPOINT_URL_PRICING": endpoint, "NOTIFY_INTERVAL": "0"]))
            let elapsed = Date().timeIntervalSince(started)
            #expect(served.results.first?.kind == "response", "\(served.stderr.suffix(1_500))")
            #expect((served.results.first?.json["notified"] as? Int) == 1)
            // The peer stalls 30 s; the run gives pricing 3. The margin is for a loaded machine.
            #expect(elapsed < PriceBook.runBudget + 15, "the run waited \(elapsed) s for a price")
            #expect(served.stderr.contains("prices left out of this run's alerts"), "the log says why")
        }
        #expect(try messages().allSatisfy { !$0.contains("Cost ") && $0.contains(launched.id) })
    }

    @Test("AUTO_STOP: off leaves everything; dry-run names what it would stop; on stops only the tagged instance past its stop-after, and says so")
    func autoStop() throws {
        let due = try moto.launch(region: region, tags: ["Name": "ci-runner", UptimePolicy.stopAfterTag: "8h"])
        let notYet = try moto.launch(region: region, tags: [UptimePolicy.stopAfterTag: "12h"])
        let untagged = try moto.launch(region: region)
        let ids = [due.id, notYet.id, untagged.id]
        let events = [try after(hours: 10)]
        let settings = ["PRICING": "off", "AUTO_STOP_REQUIRE_IDLE": "false"]

        let off = try RuntimeEmulator().serve("UptimeChecker", events: events, environment: environment(settings))
        #expect(off.results.first?.json["stopped"] == nil && off.results.first?.json["wouldStop"] == nil, "\(off.results.first?.body ?? "")")
        #expect(try states(ids).values.allSatisfy { $0 == "running" })

        let dryRun = try RuntimeEmulator().serve("UptimeChecker", events: events, environment: environment(settings.merging(["AUTO_STOP": "dry-run"]) { $1 }))
        #expect(dryRun.results.first?.json["wouldStop"] as? [String] == [due.id], "\(dryRun.results.first?.body ?? "") \(dryRun.stderr.suffix(800))")
        #expect(try states(ids).values.allSatisfy { $0 == "running" }, "dry-run stops nothing")
        #expect(try messages().contains { $0.contains(due.id) && $0.contains("but AUTO_STOP=dry-run") })

        let on = try RuntimeEmulator().serve("UptimeChecker", events: events, environment: environment(settings.merging(["AUTO_STOP": "on"]) { $1 }))
        let answer = try #require(on.results.first?.json, "\(on.stderr.suffix(800))")
        #expect(answer["stopped"] as? [String] == [due.id], "\(answer)")
        let after = try states(ids)
        #expect(["stopping", "stopped"].contains(after[due.id] ?? ""), "\(after)")
        #expect(after[notYet.id] == "running" && after[untagged.id] == "running")
        let stoppedMail = try #require(try messages().last { $0.contains(due.id) && $0.contains("Stopped by instance-watch") })
        #expect(stoppedMail.contains("Stopped by instance-watch after 8h (tag instance-watch:stop-after); it was not terminated."), "\(stoppedMail)")
        #expect(try sink.attempts().last { $0.body.contains(due.id) }?.body.contains("Stopped by instance-watch after 8h") == true)
        #expect(EmbeddedMetricFormatRules.lines(in: on.stdout).last?.contains(#""InstancesStopped":1"#) == true)
    }

    @Test("a stop EC2 refuses is reported in problems, remembered, and not tried again; the rest of the run goes on")
    func refusedStop() throws {
        let refused = try moto.launch(region: region, tags: [UptimePolicy.stopAfterTag: "1h"])
        let fine = try moto.launch(region: region, tags: [UptimePolicy.stopAfterTag: "1h"])
        let proxy = ec2.server
        let refusal = #"<Response><Errors><Error><Code>UnsupportedOperation</Code><Message>The instance does not have an EBS root device type and cannot be stopped.</Message></Error></Errors><RequestID>r</RequestID></Response>"#
        try proxy.script([["when": "Action=StopInstances&Version=2016-11-15&InstanceId.1=\(refused.id)", "always": true, "status": 400, "body": refusal]])
        let settings = ["PRICING": "off", "AUTO_STOP": "on", "AUTO_STOP_REQUIRE_IDLE": "false"]
        let served = try RuntimeEmulator().serve("UptimeChecker", events: [try after(hours: 2), try after(hours: 2)],
                                                 environment: environment(settings))
        #expect(served.results.map(\.kind) == ["response", "response"], "\(served.results.map(\.body)) \(served.stderr.suffix(800))")
        let first = served.results[0].json
        #expect(first["stopped"] as? [String] == [fine.id])
        let problems = (first["problems"] as? [String] ?? []).joined(separator: "\n")
        #expect(problems.contains("\(refused.id): EC2 refused to stop it") && problems.contains("UnsupportedOperation"), "\(problems)")
        #expect(try moto.item(table: table, id: refused.id, region: region)?["stop_refused_at"] != nil)
        let stopCalls = try proxy.attempts().filter { $0.body.contains("Action=StopInstances") && $0.body.contains(refused.id) }
        #expect(stopCalls.count == 1, "asked once, not again on the second run")
        #expect(try states([refused.id])[refused.id] == "running")
        #expect(try messages().contains { $0.contains(refused.id) && $0.contains("Not stopped: EC2 refused an earlier stop") })
    }
}
