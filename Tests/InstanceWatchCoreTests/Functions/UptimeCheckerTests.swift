import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The UptimeChecker executable, one schedule tick at a time (`--event -`), against moto (signatures
/// checked) and a local webhook sink, in a region of their own, so EC2's "running
/// instances" are exactly the ones it launched. The checker keeps its own clock: instances look
/// hours old through the aging proxy, and records are written with past start times.
///
/// The tests share one region (moto knows 34, and the suites need more than one each), one at a
/// time, each starting with none of its instances running.
@Suite("UptimeChecker end to end", .serialized)
struct UptimeCheckerTests: OnCheckerFixture {
    static let region = MotoServer.privateRegion()

    let fixture: CheckerFixture

    init() throws {
        fixture = try CheckerFixture(region: Self.region, shared: true, name: "uptime")
    }

    typealias Run = CheckerRun

    func check(_ settings: [String: String] = [:], tick: UTCDateTime = AgingProxy.now) throws -> Run { try fixture.check(settings, tick: tick) }
    func launch(tags: [String: String] = [:]) throws -> (id: String, launched: UTCDateTime) { try fixture.launch(tags: tags) }
    func put(_ items: [[String: String]], padding: Int = 0) throws { try fixture.put(items, padding: padding) }
    func records() throws -> [String: [String: String]] { try fixture.records() }
    func mails() throws -> [CheckerFixture.Mail] { try fixture.mails() }
    func slackPosts() throws -> [[String: Any]] { try fixture.slackPosts() }

    func expectValidSubject(_ subject: String) {
        #expect(subject.count <= 100, "subject over 100 characters: \(subject)")
        #expect(subject.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "subject not one line of printable ASCII: \(subject)")
    }

    static let longForeignName = "データベース移行作業用サーバー-" + String(repeating: "very-long-name-", count: 12) + "end"

    /// Five running instances and two stopped records, as the table and EC2 hold them seven hours
    /// after the first starts. Overdue: `plain` (7h of 6h) and `shortTag` (6h30m of 2h).
    func mixedFleet() throws -> (plain: String, shortTag: String) {
        let plain = try launch(tags: ["Name": "web-server"])
        let longTag = try launch(tags: ["Name": "batch", "instance-watch:max-uptime": "12h"])
        let silenced = try launch(tags: ["Name": "build-agent", "instance-watch:max-uptime": "off"])
        let shortTag = try launch(tags: ["Name": Self.longForeignName, "instance-watch:max-uptime": "2h"])
        let recent = try launch(tags: ["Name": "recent"])
        // Launched (as EC2 tells it) 7h 2m ago; the records start 7h ago, so none looks older than its
        // LaunchTime. 20 s spare keep "7h" from reading "6h 59m" however fast the run.
        try ec2.age(7 * 3600 + 120)
        let start = AgingProxy.ago(hours: 7, seconds: 20)
        func at(_ seconds: Int) -> String { UTCDateTime(epochSeconds: start.epochSeconds + seconds).extendedISO8601 }
        func current(_ id: String, since: String) -> [String: String] {
            ["instance_id": id, "start_time": since, "stop_time": "", "state": "running", "last_event_time": since, "region": region]
        }
        try put([
            current(plain.id, since: at(0)), current(longTag.id, since: at(0)), current(silenced.id, since: at(0)),
            current(shortTag.id, since: at(1800)),
            ["instance_id": recent.id, "start_time": at(2 * 3600), "stop_time": ""], // the original design's record: 5h
            ["instance_id": "i-0000000000000aaa1", "start_time": at(-86_400), "stop_time": at(-3600)],
            ["instance_id": "i-0000000000000aaa2", "start_time": at(0), "stop_time": at(3600), "state": "stopped", "last_event_time": at(3600)],
        ])
        return (plain.id, shortTag.id)
    }

    @Test("a tick seven hours after the starts alerts exactly the overdue instances, one message each (NOTIFY_MODE=each)")
    func eachMode() throws {
        let fleet = try mixedFleet()
        let run = try check()
        #expect(run.status == 0, run.summary)
        #expect(run.count("scanned") == 7)
        #expect(run.count("running") == 5)
        #expect(run.ids("overdueInstanceIds") == [fleet.plain, fleet.shortTag], "longest-running first")
        #expect(run.count("overdue") == 2 && run.count("notified") == 2 && run.count("repaired") == 0)

        let mails = try mails()
        try #require(mails.count == 2)
        for mail in mails { expectValidSubject(mail.subject) }
        let plainMail = try #require(mails.first { $0.subject.contains(fleet.plain) })
        #expect(plainMail.subject == "instance-watch: \(fleet.plain) (web-server) running 7h, limit 6h")
        for text in ["Name           web-server", "Type           t3.micro", "Region         \(region)", "Running since", "Running for    7h",
                     "6h (UPTIME_THRESHOLD)", "https://\(region).console.aws.amazon.com/ec2/home?region=\(region)#InstanceDetails:instanceId=\(fleet.plain)"] {
            #expect(plainMail.body.contains(text), "the e-mail lacks \(text):\n\(plainMail.body)")
        }
        let taggedMail = try #require(mails.first { $0.subject.contains(fleet.shortTag) })
        #expect(taggedMail.subject.hasSuffix("...) running 6h 30m, limit 2h"), "the long Name gives way: \(taggedMail.subject)")
        #expect(taggedMail.body.contains(Self.longForeignName), "the body keeps the Name as it is")
        #expect(taggedMail.body.contains("2h (tag instance-watch:max-uptime)"))

        let posts = try slackPosts()
        #expect(posts.count == 2)
        let texts = posts.compactMap { $0["text"] as? String }
        #expect(texts.contains { $0.contains(fleet.plain) && $0.contains("web-server") })
        #expect(texts.contains { $0.contains(fleet.shortTag) })
        #expect(try sink.attempts().allSatisfy { $0.body.contains(UptimeAlert.color) && $0.body.contains("InstanceDetails:instanceId=") })
    }

    @Test("the same fleet in digest mode: one e-mail and one Slack message, longest-running first")
    func digestMode() throws {
        let fleet = try mixedFleet()
        let run = try check(["NOTIFY_MODE": "digest"])
        #expect(run.status == 0, run.summary)
        #expect(run.ids("overdueInstanceIds") == [fleet.plain, fleet.shortTag])
        #expect(run.count("notified") == 2)

        let mails = try mails()
        try #require(mails.count == 1)
        expectValidSubject(mails[0].subject)
        #expect(mails[0].subject == "instance-watch: 2 instances running too long, longest \(fleet.plain) (web-server) 7h")
        let body = mails[0].body
        let first = try #require(body.range(of: "1. \(fleet.plain) (web-server)"))
        let second = try #require(body.range(of: "2. \(fleet.shortTag)"))
        #expect(first.lowerBound < second.lowerBound)

        let posts = try slackPosts()
        try #require(posts.count == 1)
        #expect((posts[0]["text"] as? String)?.hasPrefix("2 instances running too long, longest \(fleet.plain)") == true)
    }

    @Test("Teams alone: one valid Adaptive Card per overdue instance, then one digest, with the Name, account, region, uptime and cost")
    func teams() throws {
        let fleet = try mixedFleet()
        let teams = try FaultServer()
        try teams.setDefault(["status": 202, "body": ""])
        let pricing = try PricingPeer()
        try pricing.accept(moto.credentials)
        try pricing.price("t3.micro", in: region, usd: "0.0104000000")
        let settings = ["TOPIC_ARN": "", "SLACK_WEBHOOK_URL": "", "TEAMS_WEBHOOK_URL": "\(teams.endpoint)/workflows/x/triggers/manual/paths/invoke?sig=SECRET-MARKER",
                        "AWS_ENDPOINT_URL_PRICING": pricing.endpoint]
        let each = try check(settings)
        #expect(each.status == 0 && each.ids("notifiedInstanceIds") == [fleet.plain, fleet.shortTag], each.summary)
        let digest = try check(settings.merging(["NOTIFY_MODE": "digest"]) { $1 })
        #expect(digest.status == 0 && digest.count("notified") == 2, digest.summary)
        let cards = try teams.attempts().map(\.body)
        try #require(cards.count == 3, "two cards, then a digest")
        #expect(try AdaptiveCardSchema.problems(cards.map { Data($0.utf8) }) == [[], [], []])
        for fragment in [fleet.plain, "web-server", "123456789012", region, "Running for", "7h", "6h (UPTIME_THRESHOLD)",
                         "about $0.07 so far, $0.0104 an hour"] {
            #expect(cards[0].contains(fragment), "the card lacks \(fragment)")
        }
        #expect(cards[2].contains("2 instances running too long") && cards[2].contains(fleet.plain) && cards[2].contains(fleet.shortTag))
        #expect(cards[2].contains("Cost: about $0.14 so far in all (estimate)"), "\(cards[2])")
        #expect(try mails().isEmpty && slackPosts().isEmpty, "Teams alone")
    }

    @Test("a table larger than one page is read to the end: scanned equals the item count")
    func pagination() throws {
        let overdue = try launch(tags: ["Name": "late-page"])
        let stopped = (0..<1_200).map { index in
            ["instance_id": String(format: "i-0000000000%07d", index), "start_time": "2026-11-20T08:00:00Z", "stop_time": "2026-11-20T09:00:00Z"]
        }
        try ec2.age(7 * 3600 + 60)
        try put(stopped + [["instance_id": overdue.id, "start_time": AgingProxy.ago(hours: 7).extendedISO8601, "stop_time": ""]], padding: 1_000)
        let firstPage = try DynamoDBClient(aws: moto.awsClient(region: region)).scan(ScanInput(tableName: table))
        #expect(firstPage.lastEvaluatedKey != nil, "the table must be larger than one page for this test to mean anything")

        let run = try check()
        #expect(run.status == 0, run.summary)
        #expect(run.count("scanned") == 1_201)
        #expect(run.ids("overdueInstanceIds") == [overdue.id])
    }

    @Test("reconciliation: an instance missing from the table is recorded, stale running records are corrected")
    func reconciliation() throws {
        let missing = try launch(tags: ["Name": "started-before-deployment"])
        let stoppedSince = try launch(tags: ["Name": "stopped-quietly"])
        try fixture.fixture(["op": "stop_instances", "ids": [stoppedSince.id]])
        let gone = "i-0000000000000dead"
        try ec2.age(7 * 3600)
        let start = UTCDateTime(epochSeconds: missing.launched.epochSeconds - 7 * 3600).extendedISO8601
        try put([
            ["instance_id": stoppedSince.id, "start_time": start, "stop_time": "", "state": "running", "last_event_time": start],
            ["instance_id": gone, "start_time": start, "stop_time": ""],
        ])
        let run = try check()
        let tickTime = try #require(run.result["checkedAt"] as? String, run.summary)
        #expect(run.status == 0, run.summary)
        #expect(run.count("repaired") == 3)
        let repairs = run.ids("repairs")
        #expect(repairs.contains { $0.hasPrefix(missing.id) && $0.contains("missing from the table") })
        #expect(repairs.contains { $0.hasPrefix(stoppedSince.id) && $0.contains("EC2 reports it stopped") })
        #expect(repairs.contains { $0.hasPrefix(gone) && $0.contains("EC2 no longer knows") })
        #expect(run.ids("overdueInstanceIds") == [missing.id], "the recorded instance is judged by its LaunchTime")
        #expect(run.count("running") == 1)

        let table = try records()
        #expect(table[missing.id]?["start_time"] == start && table[missing.id]?["state"] == "running")
        #expect(table[missing.id]?["region"] == region && table[missing.id]?["account"] == "123456789012")
        #expect(table[stoppedSince.id]?["state"] == "stopped" && table[stoppedSince.id]?["stop_time"] == tickTime, "stopped as of the checker's own clock")
        #expect(table[gone]?["state"] == "terminated" && table[gone]?["expires_at"] != nil)

        let again = try check()
        #expect(again.count("repaired") == 0, "a repaired table needs no second repair")
    }

    /// One instance, recorded as running for seven hours (and launched so, as EC2 tells it).
    func oneLongRunner() throws -> (id: String, launched: UTCDateTime) {
        let instance = try launch(tags: ["Name": "long-runner"])
        try ec2.age(7 * 3600 + 60)
        let start = AgingProxy.ago(hours: 7).extendedISO8601
        try put([["instance_id": instance.id, "start_time": start, "stop_time": "", "state": "running", "last_event_time": start]])
        return instance
    }

    /// Moves the instance's last alert `seconds` into the past, as if that much time had gone by.
    func alerted(_ id: String, secondsAgo seconds: Int) throws {
        var item = try #require(try records()[id])
        item["last_notified_at"] = AgingProxy.ago(seconds: seconds).extendedISO8601
        try put([item])
    }

    @Test("NOTIFY_INTERVAL: two ticks inside the interval notify once; a tick after it notifies again")
    func interval() throws {
        let instance = try oneLongRunner()
        let settings = ["NOTIFY_INTERVAL": "1h"]

        let one = try check(settings)
        #expect(one.ids("notifiedInstanceIds") == [instance.id])
        #expect(try records()[instance.id]?["last_notified_at"] == one.result["checkedAt"] as? String)
        try alerted(instance.id, secondsAgo: 1800)
        let two = try check(settings)
        #expect(two.status == 0 && two.count("overdue") == 1 && two.count("notified") == 0)
        #expect(two.ids("notifiedRecently") == [instance.id])
        #expect(try mails().count == 1 && slackPosts().count == 1)

        try alerted(instance.id, secondsAgo: 3600)
        let three = try check(settings)
        #expect(three.ids("notifiedInstanceIds") == [instance.id])
        #expect(try mails().count == 2 && slackPosts().count == 2)
    }

    @Test("two runs at once (a retry overlapping the next tick) with NOTIFY_INTERVAL alert each overdue instance once")
    func overlappingRuns() throws {
        let instance = try oneLongRunner()
        // DynamoDB's conditional writes are atomic; moto's server checks and writes without a lock, so
        // two claims at once can both pass there. Serialised in front of moto, the claim's condition
        // expression alone decides, as it does in DynamoDB.
        let serialDynamoDB = try FaultServer(upstream: "127.0.0.1:\(moto.peer.port)", serialize: true)
        /// Runs are not Sendable (they hold parsed JSON); the lock is what makes sharing them safe.
        final class Finished: @unchecked Sendable {
            let lock = NSLock()
            var runs: [Run] = []
        }
        let box = Finished()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let run = try? check(["NOTIFY_INTERVAL": "1h", "AWS_ENDPOINT_URL_DYNAMODB": serialDynamoDB.endpoint])
            box.lock.withLock { box.runs += run.map { [$0] } ?? [] }
        }
        let finished = box.runs
        #expect(finished.count == 2 && finished.allSatisfy { $0.status == 0 })
        #expect(finished.flatMap { $0.ids("notifiedInstanceIds") } == [instance.id], "exactly one of the runs alerted")
        #expect(try mails().count == 1 && slackPosts().count == 1)
        let claims = try serialDynamoDB.attempts().filter { $0.headers["x-amz-target"] == "DynamoDB_20120810.UpdateItem" && $0.body.contains("last_notified_at") }
        // A run that read the table after the other's claim sees it and does not claim at all.
        #expect(!claims.isEmpty && claims.allSatisfy { $0.body.contains("attribute_not_exists(last_notified_at)") }, "every claim carries the interval's condition")
    }

    @Test("a channel that fails fails the run after the others were tried, and gives the claim back for the retry")
    func failedChannel() throws {
        let instance = try oneLongRunner()
        try sink.setDefault(["status": 503, "body": "down"])

        let failed = try check(["NOTIFY_INTERVAL": "1h"])
        #expect(failed.status == 1)
        #expect(failed.result["errorType"] as? String == "UptimeCheckIncomplete")
        let message = try #require(failed.result["errorMessage"] as? String)
        #expect(message.contains("notified 0 of 1") && message.contains("Slack") && message.contains(instance.id), "\(message)")
        #expect(try mails().count == 1, "SNS was still tried and took the e-mail")
        #expect(try records()[instance.id]?["last_notified_at"] == nil, "the claim was given back")

        try sink.setDefault(["status": 200, "body": "ok"])
        let retry = try check(["NOTIFY_INTERVAL": "1h"])
        #expect(retry.status == 0 && retry.ids("notifiedInstanceIds") == [instance.id], "EventBridge's retry of the same tick delivers")
    }

    @Test("with neither TOPIC_ARN nor a Slack webhook it refuses to start, naming the variables")
    func noChannel() throws {
        let environment = moto.environmentVariables(region: region).merging(["PATH": "/usr/bin:/bin", "TABLE_NAME": table]) { $1 }
        let run = try runCommand(TestPaths.debugExecutable("UptimeChecker"), ["--event", "-"], environment: environment, input: Data("{}".utf8))
        #expect(run.status == 1)
        #expect(run.stdout.contains("InvalidConfiguration") && run.stdout.contains("TOPIC_ARN") && run.stdout.contains("SLACK_WEBHOOK_URL"))
    }
}
