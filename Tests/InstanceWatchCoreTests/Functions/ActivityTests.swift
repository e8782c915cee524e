import Foundation
import Testing
@testable import InstanceWatchCore
@testable import UptimeChecking
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// Idle evidence end to end, against moto, which stores `put_metric_data` for `AWS/EC2` and answers
/// `GetMetricData`: instances look 30 hours old through the aging proxy, with an hour's datapoint
/// for each of those hours where a test gives them figures. The tests share one region, one at a time.
@Suite("Activity evidence, end to end", .serialized)
struct ActivityTests {
    static let region = MotoServer.privateRegion()
    let fixture: CheckerFixture

    init() throws {
        fixture = try CheckerFixture(region: Self.region, shared: true, name: "activity")
        try fixture.ec2.age(30 * 3600)
    }

    /// Three instances 30 h old: one idle (CPU 1.5%, 100 KB an hour), one busy (CPU 60%), one without data.
    func threeInstances(tags: [String: String] = [:]) throws -> (idle: String, busy: String, silent: String) {
        let idle = try fixture.launch(tags: tags.merging(["Name": "idle-gpu-box"]) { $1 }).id
        let busy = try fixture.launch(tags: tags.merging(["Name": "busy-build"]) { $1 }).id
        let silent = try fixture.launch(tags: tags.merging(["Name": "no-metrics"]) { $1 }).id
        try fixture.fixture(["op": "instance_metrics", "id": idle, "hours": 30, "cpu": 1.5, "network_bytes_per_hour": 100_000])
        try fixture.fixture(["op": "instance_metrics", "id": busy, "hours": 30, "cpu": 60.0, "network_bytes_per_hour": 100_000])
        return (idle, busy, silent)
    }

    func post(about id: String) throws -> String? {
        try fixture.sink.attempts().last { $0.body.contains(id) }?.body
    }

    @Test("an idle, a busy and a silent instance are alerted with their evidence: idle with its figures, busy with its CPU peak, unknown without data; one GetMetricData call")
    func evidence() throws {
        let fleet = try threeInstances()
        let run = try fixture.check(["PRICING": "off"])
        #expect(run.status == 0, run.summary)
        #expect(run.ids("idle") == [fleet.idle] && run.ids("busy") == [fleet.busy], run.summary)
        #expect(run.count("metricDataCalls") == 1)
        let idlePost = try post(about: fleet.idle) ?? ""
        #expect(idlePost.contains("Idle for the last 1d 6h: CPU peak 1.5%, network 2.4 MB a day"), "\(idlePost)")
        #expect(try post(about: fleet.busy)?.contains("Busy: CPU peak 60%") == true)
        #expect(try post(about: fleet.silent)?.contains("Activity unknown: no CPU data") == true)
        let mail = try #require(try fixture.mails().first { $0.body.contains(fleet.idle) })
        #expect(mail.body.contains("Activity       Idle for the last 1d 6h"), "\(mail.body)")
        #expect(run.stderr.contains(#""InstancesIdle":1"#))
    }

    @Test("ALERT_ON=idle: the busy instance is counted, not alerted; the idle and the unknown ones are")
    func alertOnIdle() throws {
        let fleet = try threeInstances()
        let run = try fixture.check(["PRICING": "off", "ALERT_ON": "idle"])
        #expect(run.status == 0, run.summary)
        #expect(Set(run.ids("notifiedInstanceIds")) == [fleet.idle, fleet.silent], run.summary)
        #expect(run.ids("busy") == [fleet.busy] && run.count("overdue") == 3)
        #expect(try post(about: fleet.busy) == nil && fixture.mails().allSatisfy { !$0.body.contains(fleet.busy) })
    }

    @Test("AUTO_STOP=on stops only the idle one of three tagged; the busy and the unknown ones are held back with their evidence")
    func stopsOnlyIdle() throws {
        let fleet = try threeInstances(tags: [UptimePolicy.stopAfterTag: "2h"])
        let run = try fixture.check(["PRICING": "off", "AUTO_STOP": "on"])
        #expect(run.status == 0, run.summary)
        #expect(run.ids("stopped") == [fleet.idle], run.summary)
        let heldBack = run.ids("heldBack")
        #expect(heldBack.contains { $0.hasPrefix(fleet.busy) && $0.contains("Busy: CPU peak 60%") }, "\(heldBack)")
        #expect(heldBack.contains { $0.hasPrefix(fleet.silent) && $0.contains("Activity unknown") }, "\(heldBack)")
        let states = try fixture.states([fleet.idle, fleet.busy, fleet.silent])
        #expect(["stopping", "stopped"].contains(states[fleet.idle] ?? "") && states[fleet.busy] == "running" && states[fleet.silent] == "running")
    }

    @Test("a digest lists the idle instance first, though younger, and totals what idle instances cost an hour")
    func digestIdleFirst() throws {
        let busy = try fixture.launch(tags: ["Name": "busy-old"], type: "m5.large").id
        let idle = try fixture.launch(tags: ["Name": "idle-young"], type: "m5.large").id
        try fixture.ec2.age(30 * 3600, instances: [idle: 20 * 3600])
        try fixture.fixture(["op": "instance_metrics", "id": idle, "hours": 20, "cpu": 0.5, "network_bytes_per_hour": 0])
        try fixture.fixture(["op": "instance_metrics", "id": busy, "hours": 30, "cpu": 90.0, "network_bytes_per_hour": 0])
        let pricing = try PricingPeer()
        try pricing.accept(fixture.moto.credentials)
        try pricing.price("m5.large", in: fixture.region, usd: "0.0960000000")
        let run = try fixture.check(["NOTIFY_MODE": "digest", "AWS_ENDPOINT_URL_PRICING": pricing.endpoint])
        #expect(run.status == 0, run.summary)
        let mail = try #require(try fixture.mails().last?.body)
        let first = try #require(mail.range(of: "1. \(idle)"), "\(mail)")
        let second = try #require(mail.range(of: "2. \(busy)"), "\(mail)")
        #expect(first.lowerBound < second.lowerBound)
        #expect(mail.contains("Idle: about $0.10 an hour for the idle instance priced."), "\(mail)")
        #expect(try fixture.mails().last?.subject.contains("longest \(busy)") == true, "the subject still names the longest-running")
    }

    @Test("an Auto Scaling instance is left out of alerts by default, counted as managed; MANAGED_INSTANCES=alert alerts it, marked managed")
    func managed() throws {
        let name = MotoServer.uniqueName("asg")
        let group = try fixture.fixture(["op": "auto_scaling_group", "name": name, "size": 1])
        defer { _ = try? fixture.fixture(["op": "delete_auto_scaling_group", "name": name]) }
        let scaled = try #require((group["ids"] as? [String])?.first)
        let skipped = try fixture.check(["PRICING": "off"])
        #expect(skipped.ids("overdueInstanceIds") == [scaled] && skipped.ids("notifiedInstanceIds").isEmpty, skipped.summary)
        #expect(skipped.ids("managed").contains { $0.hasPrefix(scaled) && $0.contains("Auto Scaling group \(name)") })
        #expect(try fixture.sink.attempts().isEmpty && fixture.mails().isEmpty)
        let alerted = try fixture.check(["PRICING": "off", "MANAGED_INSTANCES": "alert"])
        #expect(alerted.ids("notifiedInstanceIds") == [scaled], alerted.summary)
        #expect(try post(about: scaled)?.contains("Managed by") == true)
    }

    @Test("CloudWatch down or stalling: alerts still go out, without evidence, within the run's budget, and the problem is named")
    func cloudWatchDown() throws {
        let instance = try fixture.launch(tags: ["Name": "no-watch"]).id
        let stalling = try FaultServer()
        try stalling.setDefault(["action": "stall", "ms": 30_000, "then": ["status": 500, "body": "{}"]])
        for endpoint in ["http://127.0.0.1:\(try freePortNobodyListensOn())", stalling.endpoint] {
            let started = Date()
            let run = try fixture.check(["PRICING": "off", "AWS_ENDPOINT_URL_CLOUDWATCH": endpoint])
            let elapsed = Date().timeIntervalSince(started)
            #expect(run.status == 0 && run.ids("notifiedInstanceIds") == [instance], run.summary)
            #expect(elapsed < ActivityRun.runBudget + 15, "the run waited \(elapsed) s for CloudWatch")
            #expect(run.ids("problems").contains { $0.contains("activity left out of this run's alerts") }, run.summary)
            #expect(try post(about: instance)?.contains("Activity unknown: CloudWatch did not answer") == true)
        }
    }
}
