import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// What input and faults cannot make the checker do, against moto (signatures checked) and the
/// debug executable: a tick from the future changes nothing, stops are capped, managed instances
/// and short tags are never stopped, refusals and throttles are told apart, and a stop whose alert
/// was lost is announced by the next run. Instances look old through the aging proxy. The tests
/// share one region (there are not enough for one each), one at a time, each starting with none of
/// its instances running.
@Suite("Auto-stop safety, end to end", .serialized)
struct AutoStopSafetyTests: OnCheckerFixture {
    static let region = MotoServer.privateRegion()

    let fixture: CheckerFixture

    init() throws {
        fixture = try CheckerFixture(region: Self.region, shared: true, name: "safety")
    }

    /// A run with auto-stop on and prices off (Slack only: the topic is left unset).
    func check(_ settings: [String: String] = [:], tick: UTCDateTime = AgingProxy.now) throws -> CheckerRun {
        // These tests are about the bounds, not idleness (ActivityTests): no activity is required.
        try fixture.check(["PRICING": "off", "AUTO_STOP": "on", "AUTO_STOP_REQUIRE_IDLE": "false", "TOPIC_ARN": ""].merging(settings) { $1 }, tick: tick)
    }

    func states(_ ids: [String]) throws -> [String: String] { try fixture.states(ids) }
    func records() throws -> [String: [String: String]] { try fixture.records() }

    func posts() throws -> [String] { try sink.attempts().map(\.body) }

    @Test("a tick dated 30 days ahead is judged by the function's clock: nothing is stopped or alerted, and no time after the clock is written")
    func futureTick() throws {
        let young = try moto.launch(region: region, tags: ["Name": "an hour old", UptimePolicy.stopAfterTag: "2h"])
        try ec2.age(3600)
        let start = AgingProxy.ago(hours: 1).extendedISO8601
        try moto.fixture(["op": "put_items", "table": table, "region": region, "items": [
            ["instance_id": young.id, "start_time": start, "stop_time": "", "state": "running", "last_event_time": start],
        ]])
        let future = UTCDateTime(epochSeconds: AgingProxy.now.epochSeconds + 30 * 86_400)
        let run = try check(["NOTIFY_INTERVAL": "1h", "UPTIME_THRESHOLD": "90m"], tick: future)
        let clockAfter = AgingProxy.now
        #expect(run.status == 0, run.summary)
        #expect(run.ids("stopped").isEmpty && run.ids("overdueInstanceIds").isEmpty, run.summary)
        #expect(try states([young.id])[young.id] == "running")
        #expect(try posts().isEmpty, "nothing alerted")
        let checkedAt = try #require((run.result["checkedAt"] as? String).flatMap(UTCDateTime.parse))
        #expect(checkedAt <= clockAfter, "judged at the clock, not at the tick")
        #expect(run.stderr.contains("ahead of this function's clock, which is ignored"), "the tick's time is logged, and said to be ignored")
        for (id, record) in try records() {
            for (name, value) in record {
                guard let time = UTCDateTime.parse(value) else { continue }
                #expect(time <= clockAfter, "\(id).\(name) = \(value) is after the clock")
            }
        }
    }

    @Test("Slack down for three attempts of one tick (Lambda's retries of the same event): at most MAX_STOPS_PER_RUN stopped in all, each alert e-mailed once, every attempt failing")
    func retriedRun() throws {
        var launched: [String] = []
        for _ in 0..<3 { launched.append(try moto.launch(region: region, tags: [UptimePolicy.stopAfterTag: "1h"]).id) }
        let busy = try moto.launch(region: region, tags: ["Name": "overdue-not-stoppable"]).id
        try ec2.age(3 * 3600)
        // Slack refuses everything; SNS works. NOTIFY_INTERVAL=0: every run alerts every overdue instance.
        let slack = try FaultServer()
        try slack.setDefault(["status": 500, "body": "down"])
        let tick = TestEvents.tick(at: AgingProxy.now, region: region)
        let served = try RuntimeEmulator().serve("UptimeChecker", events: [tick, tick, tick], environment: fixture.environment([
            "PRICING": "off", "AUTO_STOP": "on", "AUTO_STOP_REQUIRE_IDLE": "false", "MAX_STOPS_PER_RUN": "1", "NOTIFY_INTERVAL": "0", "UPTIME_THRESHOLD": "2h",
            "SLACK_WEBHOOK_URL": "\(slack.endpoint)/services/T000/B000/SECRET-MARKER",
        ]))
        #expect(served.results.map(\.kind) == ["error", "error", "error"], "each attempt fails while Slack is down: \(served.results.map(\.body))")
        let stopped = launched.filter { ["stopping", "stopped"].contains((try? states([$0])[$0]) ?? "") }
        #expect(stopped.count == 1, "MAX_STOPS_PER_RUN=1 across the attempts of one tick: \(stopped)")
        #expect(try states([busy])[busy] == "running")
        let mails = try fixture.mails()
        for id in launched + [busy] {
            #expect(mails.filter { $0.body.contains(id) }.count == 1, "\(id) e-mailed once, not once per attempt: \(mails.map(\.subject))")
        }
        #expect(try slack.attempts().count >= 3, "Slack is tried again by each attempt")
        // The next tick (another event) is a run of its own: alerted again, and may stop one more.
        let next = try check(["MAX_STOPS_PER_RUN": "1", "NOTIFY_INTERVAL": "0", "UPTIME_THRESHOLD": "2h", "TOPIC_ARN": topicArn])
        #expect(next.ids("stopped").count == 1, next.summary)
    }

    @Test("four instances due to stop and MAX_STOPS_PER_RUN=2: exactly two are stopped, longest-running first; the others are held back, named, and told so in their alerts")
    func capped() throws {
        var launched: [String] = []
        for _ in 0..<4 { launched.append(try moto.launch(region: region, tags: [UptimePolicy.stopAfterTag: "1h"]).id) }
        // Ages 5h, 4h, 3h, 2h: the two oldest go first.
        try ec2.age(0, instances: Dictionary(uniqueKeysWithValues: launched.enumerated().map { ($0.element, (5 - $0.offset) * 3600) }))
        let run = try check(["MAX_STOPS_PER_RUN": "2"])
        #expect(run.status == 0, run.summary)
        #expect(run.ids("stopped") == Array(launched.prefix(2)), run.summary)
        let heldBack = run.ids("heldBack")
        #expect(heldBack.count == 2 && launched.suffix(2).allSatisfy { id in heldBack.contains { $0.hasPrefix(id) && $0.contains("MAX_STOPS_PER_RUN=2") } }, "\(heldBack)")
        let after = try states(launched)
        #expect(launched.prefix(2).allSatisfy { ["stopping", "stopped"].contains(after[$0] ?? "") }, "\(after)")
        #expect(launched.suffix(2).allSatisfy { after[$0] == "running" }, "\(after)")
        let posts = try posts()
        #expect(launched.suffix(2).allSatisfy { id in posts.contains { $0.contains(id) && $0.contains("Due to be stopped, held back") } })
        #expect(run.stderr.contains("stopped \(launched[0]) in 123456789012/\(region)"), "one log line per stop, with account and region")
    }

    @Test("Auto Scaling (a moto group), EKS and Karpenter instances due by their tag, and a 1m tag, are left running and reported")
    func managedAndShortTags() throws {
        let groupName = MotoServer.uniqueName("asg")
        let group = try moto.fixture(["op": "auto_scaling_group", "name": groupName, "size": 1, "region": region,
                                      "tags": [UptimePolicy.stopAfterTag: "1h"]])
        // The group would replace its instance when the next test clears the region: it goes first.
        defer { _ = try? moto.fixture(["op": "delete_auto_scaling_group", "name": groupName, "region": region]) }
        let scaled = try #require((group["ids"] as? [String])?.first, "\(group)")
        let eks = try moto.launch(region: region, tags: [UptimePolicy.stopAfterTag: "1h", "eks:cluster-name": "prod", "eks:nodegroup-name": "ng-1"])
        let karpenter = try moto.launch(region: region, tags: [UptimePolicy.stopAfterTag: "1h", "karpenter.sh/nodepool": "default"])
        let oneMinute = try moto.launch(region: region, tags: [UptimePolicy.stopAfterTag: "1m"])
        try ec2.age(3 * 3600)
        let run = try check(["MANAGED_INSTANCES": "alert"])
        #expect(run.status == 0, run.summary)
        #expect(run.ids("stopped").isEmpty, run.summary)
        let ids = [scaled, eks.id, karpenter.id, oneMinute.id]
        #expect(try states(ids).values.allSatisfy { $0 == "running" })
        let managed = run.ids("managed")
        #expect(managed.contains { $0.hasPrefix(scaled) && $0.contains("Auto Scaling group") }, "\(managed)")
        #expect(managed.contains { $0.hasPrefix(eks.id) && $0.contains("EKS node group ng-1") }, "\(managed)")
        #expect(managed.contains { $0.hasPrefix(karpenter.id) && $0.contains("Karpenter node pool default") }, "\(managed)")
        let problems = run.ids("problems")
        #expect(problems.contains { $0.hasPrefix(oneMinute.id) && $0.contains("under 1h, which opts in to nothing") }, "\(problems)")
        #expect(try posts().contains { $0.contains(scaled) && $0.contains("Not stopped: managed by Auto Scaling group") })
    }

    @Test("a refusal is remembered and not asked again; a throttle is retried next run; both count as StopFailures")
    func refusalAndThrottle() throws {
        let refused = try moto.launch(region: region, tags: [UptimePolicy.stopAfterTag: "1h"])
        let throttled = try moto.launch(region: region, tags: [UptimePolicy.stopAfterTag: "1h"])
        try ec2.age(2 * 3600)
        let proxy = ec2.server
        let stop = "Action=StopInstances&Version=2016-11-15&InstanceId.1="
        try proxy.script([
            ["when": stop + refused.id, "always": true, "status": 400,
             "body": #"<Response><Errors><Error><Code>OperationNotPermitted</Code><Message>stop protection</Message></Error></Errors><RequestID>r</RequestID></Response>"#],
            ["when": stop + throttled.id, "always": true, "status": 503,
             "body": #"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>r</RequestID></Response>"#],
        ])
        let first = try check()
        #expect(first.status == 0, first.summary)
        let problems = first.ids("problems").joined(separator: "\n")
        #expect(problems.contains("\(refused.id): EC2 refused to stop it") && problems.contains("OperationNotPermitted"), "\(problems)")
        #expect(problems.contains("\(throttled.id): stopping it failed") && problems.contains("tried again next run"), "\(problems)")
        #expect(first.stderr.contains(#""StopFailures":2"#), "\(first.stderr.suffix(600))")
        let table = try records()
        #expect(table[refused.id]?["stop_refused_at"] != nil && table[throttled.id]?["stop_refused_at"] == nil)

        let second = try check()
        #expect(second.status == 0, second.summary)
        let calls = try proxy.attempts().filter { $0.body.hasPrefix("Action=StopInstances") }
        #expect(calls.filter { $0.body.contains(refused.id) }.count == 1, "the refusal is not asked again")
        #expect(calls.filter { $0.body.contains(throttled.id) }.count > 1 && second.ids("problems").contains { $0.hasPrefix(throttled.id) }, "the throttle is")
    }

    @Test("a stop whose alert was lost is recorded first, and announced by the next run, once")
    func lostAnnouncement() throws {
        let due = try moto.launch(region: region, tags: ["Name": "gpu-box", UptimePolicy.stopAfterTag: "2h"])
        try ec2.age(3 * 3600)
        let start = AgingProxy.ago(hours: 3).extendedISO8601
        try moto.fixture(["op": "put_items", "table": table, "region": region, "items": [
            ["instance_id": due.id, "start_time": start, "stop_time": "", "state": "running", "last_event_time": start],
        ]])
        try sink.setDefault(["status": 503, "body": "down"])
        let lost = try check()
        #expect(lost.status == 1, "the run fails: its alert did not go out: \(lost.summary)")
        #expect(lost.stderr.contains("stopped \(due.id)"))
        let record = try #require(try records()[due.id])
        #expect(record["stop_announcement_due"] != nil && record["auto_stop_after"] == "7200", "\(record)")

        try sink.setDefault(["status": 200, "body": "ok"])
        let next = try check()
        #expect(next.status == 0, next.summary)
        #expect(next.ids("notifiedInstanceIds") == [due.id], next.summary)
        let announced = try #require(try sink.attempts().last { $0.body.contains(due.id) }?.body)
        #expect(announced.contains("Stopped by instance-watch at") && announced.contains("Announced late"), "\(announced)")
        #expect(try records()[due.id]?["stop_announcement_due"] == nil)
        let count = try sink.attempts().count

        let third = try check()
        #expect(third.status == 0 && !third.ids("notifiedInstanceIds").contains(due.id), "announced once: \(third.summary)")
        #expect(try sink.attempts().count == count)
    }
}
