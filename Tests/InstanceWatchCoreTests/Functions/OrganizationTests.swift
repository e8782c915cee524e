import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// Organisation-wide mode through the real executables under the Runtime API emulator, against moto
/// with signatures checked: the central account (the test user's, 123456789012) and member accounts
/// whose instances were launched with member credentials, invisible to the central ones. A fault
/// proxy in front of moto refuses `AssumeRole` into one member, as a missing or untrusting role would,
/// and ages EC2's launch times (the checker keeps its own clock).
/// moto's EventBridge drops `account` when it forwards across accounts, so events are built here as
/// EventBridge delivers them on the central bus.
@Suite("Organisation-wide, end to end")
struct OrganizationTests {
    static let central = "123456789012"
    static let roleName = "instance-watch-reader"
    /// One home region for the suite: every instance its tests launch lives in member accounts of
    /// the test's own (the central account has none here), and each test has its own table, so the
    /// tests never see each other's instances.
    static let home = MotoServer.privateRegion(offering: ["t3.micro"])

    let moto: MotoServer
    let proxy: FaultServer
    let sink: FaultServer
    let home: String
    let other: String
    let members: (one: String, two: String, refused: String)
    let table: String
    let topicArn: String

    init() throws {
        moto = try MotoServer.get()
        home = Self.home
        // Only member accounts (each test's own) have instances there.
        other = MotoServer.memberRegion
        members = (MotoServer.uniqueAccount(), MotoServer.uniqueAccount(), MotoServer.uniqueAccount())
        for member in [members.one, members.two, members.refused] {
            try moto.memberRole(account: member, name: Self.roleName, actions: ["ec2:DescribeInstances", "monitoring:GetMetricData"]) // moto: CloudWatch's signing name
        }
        proxy = try FaultServer(upstream: "127.0.0.1:\(moto.peer.port)")
        // The refused member's role cannot be assumed, however often it is asked.
        try proxy.script([["when": "\(members.refused)%3Arole", "always": true, "status": 403, "body": STSClientTests.accessDenied]])
        sink = try FaultServer()
        try sink.setDefault(["status": 200, "body": "ok"])
        table = MotoServer.uniqueName("org")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id", "region": home])
        topicArn = try #require(try moto.fixture(["op": "create_topic", "name": MotoServer.uniqueName("org"), "region": home])["arn"] as? String)
    }

    func environment(_ settings: [String: String] = [:]) -> [String: String] {
        moto.environmentVariables(region: home).merging([
            "AWS_ENDPOINT_URL": proxy.endpoint, "TABLE_NAME": table, "MEMBER_ROLE_NAME": Self.roleName,
            "SLACK_WEBHOOK_URL": "\(sink.endpoint)/services/T0/B0/X", "AWS_LAMBDA_LOG_FORMAT": "JSON",
        ]) { $1 }.merging(settings) { $1 }
    }

    func record(_ id: String, account: String, region: String, since: UTCDateTime, stoppedAt: UTCDateTime? = nil) -> [String: String] {
        var item = ["instance_id": id, "start_time": since.extendedISO8601, "stop_time": stoppedAt?.extendedISO8601 ?? "",
                    "state": stoppedAt == nil ? "running" : "stopped", "last_event_time": (stoppedAt ?? since).extendedISO8601,
                    "account": account, "region": region]
        if stoppedAt == nil { item["stop_time"] = "" }
        return item
    }

    func assumeRoleCalls(into account: String) throws -> Int {
        try proxy.attempts().filter { $0.body.contains("Action=AssumeRole") && $0.body.contains("\(account)%3Arole") }.count
    }

    @Test("the checker reconciles every pair: a member's missing instance recorded, overdue ones alerted with account and region, a refused member named in problems while the rest is checked")
    func checker() throws {
        let launchedMissing = try moto.launch(region: home, account: members.one, tags: ["Name": "member-missing"])
        let overdueOther = try moto.launch(region: other, account: members.one, tags: ["Name": "member-other-region"])
        let restarted = try moto.launch(region: other, account: members.one, tags: ["Name": "member-restarted"])
        let named = try moto.launch(region: home, account: members.two, tags: ["Name": "member-two-web"])
        try proxy.age(seconds: 7 * 3600 + 60)
        let since = AgingProxy.ago(hours: 7, seconds: 60)
        let hourBefore = UTCDateTime(epochSeconds: since.epochSeconds - 3600)
        try moto.fixture(["op": "put_items", "table": table, "region": home, "items": [
            // Only the table names members.one in the other region: that pair is found by reading it.
            record(overdueOther.id, account: members.one, region: other, since: since),
            // Stopped in the table, running in EC2 since: its record is read by key, and its start recorded.
            record(restarted.id, account: members.one, region: other, since: UTCDateTime(epochSeconds: hourBefore.epochSeconds - 3600), stoppedAt: hourBefore),
            record(named.id, account: members.two, region: home, since: since),
            record("i-0aaaaaaaaaaaaaaaa", account: members.refused, region: home, since: since),
        ]])
        let tick = TestEvents.tick(at: AgingProxy.now, region: home)
        let served = try RuntimeEmulator().serve("UptimeChecker", events: [tick], environment: environment([
            "TOPIC_ARN": topicArn, "WATCHED_ACCOUNTS": "\(members.one),\(members.two),\(members.refused)",
        ]))
        let result = try #require(served.results.first, "\(served.stderr)")
        #expect(result.kind == "response", "\(result.body)\n\(served.stderr.suffix(2_000))")
        let answer = result.json
        let checked = Set(answer["checked"] as? [String] ?? [])
        #expect(checked == ["\(Self.central)/\(home)", "\(members.one)/\(home)", "\(members.two)/\(home)", "\(members.one)/\(other)"], "\(answer)")
        let problems = (answer["problems"] as? [String] ?? []).joined(separator: "\n")
        #expect(problems.contains("\(members.refused)/\(home): could not assume arn:aws:iam::\(members.refused):role/\(Self.roleName)") && problems.contains("AccessDenied"), "\(problems)")

        // The member instance missing from the table is found and recorded in its account and region.
        let repairs = (answer["repairs"] as? [String] ?? []).joined(separator: "\n")
        #expect(repairs.contains("\(launchedMissing.id): running since") && repairs.contains("\(restarted.id): started at"), "\(repairs)")
        let added = try #require(try moto.item(table: table, id: launchedMissing.id, region: home))
        #expect(added["account"] == .s(members.one) && added["region"] == .s(home) && added["state"] == .s("running"))

        // Overdue: every member instance, the refused member's judged from the table alone.
        let overdue = Set(answer["overdueInstanceIds"] as? [String] ?? [])
        #expect(overdue == [launchedMissing.id, overdueOther.id, restarted.id, named.id, "i-0aaaaaaaaaaaaaaaa"], "\(answer)")

        // Alerts name the account and region; the member's Name tag came from the member's EC2.
        let messages = try moto.fixture(["op": "sns_messages", "topic": topicArn, "region": home])["messages"] as? [[String: Any]] ?? []
        let other = try #require(messages.first { ($0["message"] as? String)?.contains(overdueOther.id) == true }?["message"] as? String)
        #expect(other.contains("Account        \(members.one)") && other.contains("Region         \(self.other)") && other.contains("member-other-region"), "\(other)")
        let refused = try #require(messages.first { ($0["message"] as? String)?.contains("i-0aaaaaaaaaaaaaaaa") == true }?["message"] as? String)
        #expect(refused.contains("Account        \(members.refused)") && refused.contains("(unknown)"))
        let posts = try sink.attempts().map(\.body)
        #expect(posts.contains { $0.contains("member-two-web") && $0.contains(members.two) }, "the Slack alert carries the member's Name and account")
        #expect(try assumeRoleCalls(into: members.one) == 1, "one AssumeRole per member account per process, whatever the pairs")
    }

    @Test("66 pairs fail at once (24 accounts' roles refused, 8 accounts throttled throughout, a region down): each is named in problems, the healthy pairs are checked, and every failure is asked a bounded number of times")
    func manyPairsFail() throws {
        let down = "ap-south-2"
        // Account ids with a prefix of their own for each kind of failure, so one proxy step refuses them all.
        func accounts(_ count: Int) -> (prefix: String, ids: [String]) {
            let prefix = "8\(Int.random(in: 10_000...99_999))"
            return (prefix, (0..<count).map { prefix + String($0).leftPadded(to: 6) })
        }
        let refused = accounts(24), throttled = accounts(8)
        try proxy.script([
            ["when": "%3A%3A\(refused.prefix)", "always": true, "status": 403, "body": STSClientTests.accessDenied],
            ["when": "%3A%3A\(throttled.prefix)", "always": true, "status": 400,
             "body": "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"],
            ["when": "/\(down)/ec2/aws4_request", "always": true, "status": 503, "body": "<Response><Errors><Error><Code>Unavailable</Code><Message>down</Message></Error></Errors></Response>"],
        ])
        let healthy = try moto.launch(region: home, account: members.one, tags: ["Name": "healthy"])
        try proxy.age(seconds: 7 * 3600)
        let started = Date()
        let tick = TestEvents.tick(at: AgingProxy.now, region: home)
        let served = try RuntimeEmulator().serve("UptimeChecker", events: [tick], environment: environment([
            "TOPIC_ARN": topicArn, "WATCHED_REGIONS": down, "PRICING": "off",
            "WATCHED_ACCOUNTS": ([members.one] + refused.ids + throttled.ids).joined(separator: ","),
        ]))
        let elapsed = Date().timeIntervalSince(started)
        let result = try #require(served.results.first, "\(served.stderr.suffix(2_000))")
        #expect(result.kind == "response", "\(result.body.prefix(2_000))")
        let answer = result.json
        let problems = answer["problems"] as? [String] ?? []
        let failing = (refused.ids + throttled.ids).flatMap { ["\($0)/\(home)", "\($0)/\(down)"] } + [Self.central, members.one].map { "\($0)/\(down)" }
        #expect(failing.count == 66)
        for pair in failing { #expect(problems.contains { $0.hasPrefix("\(pair): ") }, "\(pair) is not named: \(problems.prefix(5))") }
        #expect(problems.contains { $0.hasPrefix("\(refused.ids[0])/\(home): could not assume") && $0.contains("AccessDenied") }, "\(problems.prefix(3))")
        #expect(problems.contains { $0.hasPrefix("\(throttled.ids[0])/\(home): ") && $0.contains("Throttling") }, "\(problems.prefix(3))")
        #expect(problems.contains { $0.hasPrefix("\(Self.central)/\(down): ") && $0.contains("Unavailable") }, "\(problems.prefix(3))")
        #expect(Set(answer["checked"] as? [String] ?? []) == ["\(Self.central)/\(home)", "\(members.one)/\(home)"], "\(answer["checked"] ?? "")")
        #expect((answer["overdueInstanceIds"] as? [String] ?? []).contains(healthy.id))
        // Bounded: each refused or throttled account's role asked in one run of attempts (never per
        // region), each down pair's EC2 likewise; the run ends in seconds, not at its deadline.
        let attempts = try proxy.attempts()
        let assumeRoles = attempts.filter { $0.body.contains("Action=AssumeRole") }
        let maximumAttempts = RetryPolicy.standard.maximumAttempts
        #expect(assumeRoles.filter { $0.body.contains("%3A%3A\(refused.prefix)") }.count <= refused.ids.count * maximumAttempts)
        #expect(assumeRoles.filter { $0.body.contains("%3A%3A\(throttled.prefix)") }.count <= throttled.ids.count * maximumAttempts)
        let downCalls = attempts.filter { ($0.headers["authorization"] ?? "").contains("/\(down)/ec2/aws4_request") }.count
        #expect(downCalls <= 2 * maximumAttempts * 2, "\(downCalls) calls to the region that is down")
        #expect(elapsed < 60, "\(elapsed) s")
    }

    @Test("a digest groups the organisation's instances by account")
    func digest() throws {
        let first = try moto.launch(region: home, account: members.one)
        let second = try moto.launch(region: home, account: members.two)
        let third = try moto.launch(region: home, account: members.one)
        try proxy.age(seconds: 7 * 3600)
        let tick = TestEvents.tick(at: AgingProxy.now, region: home)
        let served = try RuntimeEmulator().serve("UptimeChecker", events: [tick], environment: environment([
            "TOPIC_ARN": topicArn, "WATCHED_ACCOUNTS": "\(members.one),\(members.two)", "NOTIFY_MODE": "digest",
        ]))
        #expect(served.results.first?.kind == "response", "\(served.results.first?.body ?? "") \(served.stderr.suffix(1_000))")
        let messages = try moto.fixture(["op": "sns_messages", "topic": topicArn, "region": home])["messages"] as? [[String: Any]] ?? []
        let body = try #require(messages.compactMap { $0["message"] as? String }.first { $0.contains(second.id) })
        let one = try #require(body.range(of: "Account \(members.one) (2 instances):"))
        let two = try #require(body.range(of: "Account \(members.two) (1 instance):"))
        let ids = [first.id, third.id, second.id].map { body.range(of: $0)!.lowerBound }
        #expect((one.upperBound < ids[0] && one.upperBound < ids[1] && two.upperBound < ids[2]) && (ids[2] > two.lowerBound), "\(body)")
    }

    @Test("the StateChangeHandler: a member's state change recorded with its account and region; its Spot warning carries the member's Name and IP; a refused member's warning still goes out and says why; 100 warm look-ups assume the role once")
    func stateChangeHandler() throws {
        let spot = try moto.launch(region: other, account: members.one, tags: ["Name": "member-batch"], spot: true)
        let privateIP = try #require(try EC2Client(aws: memberClient(members.one, region: other)).describeInstances(ids: [spot.id]).first?.privateIPAddress)
        func event(_ sample: String, id: String, account: String, region: String) throws -> String {
            try TestEvents.sample(sample, instanceId: id).replacing("123456789012", with: account).replacing("\"eu-west-1\"", with: "\"\(region)\"")
                .replacing(":eu-west-1:", with: ":\(region):")
        }
        var events = [
            try event("state-change-running.json", id: spot.id, account: members.one, region: other),
            try event("spot-interruption-warning.json", id: spot.id, account: members.one, region: other),
            try event("spot-interruption-warning.json", id: "i-0bbbbbbbbbbbbbbbb", account: members.refused, region: home),
        ]
        events += try (0..<100).map { _ in try event("rebalance-recommendation.json", id: spot.id, account: members.one, region: other) }
        let served = try RuntimeEmulator().serve("StateChangeHandler", events: events, environment: environment())
        #expect(served.results.count == 103 && served.results.allSatisfy { $0.kind == "response" }, "\(served.stderr.suffix(2_000))")

        let item = try #require(try moto.item(table: table, id: spot.id, region: home))
        #expect(item["account"] == .s(members.one) && item["region"] == .s(other))
        let posts = try sink.attempts().map(\.body)
        let warning = try #require(posts.first { $0.contains("Spot interruption") && $0.contains(spot.id) })
        #expect(warning.contains("member-batch") && warning.contains(privateIP), "\(warning)")
        let refused = try #require(posts.first { $0.contains("i-0bbbbbbbbbbbbbbbb") })
        #expect(refused.contains("look-up failed: AssumeRole AccessDenied for arn:aws:iam::\(members.refused):role/\(Self.roleName)"), "\(refused)")
        #expect(try assumeRoleCalls(into: members.one) == 1, "101 look-ups in one member account, one AssumeRole")
    }

    /// Owners' webhooks on the sink: `data` for members.one's account, `payments` by tag, the default.
    func storeRoutes() throws -> String {
        let parameter = "/instance-watch/test/" + MotoServer.uniqueName("org-routes")
        let document = """
            {"owners": {"data": {"slackWebhook": "\(sink.endpoint)/services/T0/DATA/X"}, "payments": {"slackWebhook": "\(sink.endpoint)/services/T0/PAYMENTS/X"}},
             "accounts": {"\(members.one)": "data"},
             "default": {"slackWebhook": "\(sink.endpoint)/services/T0/DEFAULT/X"}}
            """
        try moto.fixture(["op": "put_parameter", "name": parameter, "value": document, "type": "SecureString", "region": home])
        return parameter
    }

    @Test("routing: a member account's untagged instance goes to the owner its account id names; another member's to the default")
    func accountRouted() throws {
        let routed = try moto.launch(region: home, account: members.one, tags: ["Name": "member-one-box"])
        let unrouted = try moto.launch(region: home, account: members.two, tags: ["Name": "member-two-box"])
        try proxy.age(seconds: 7 * 3600)
        let tick = TestEvents.tick(at: AgingProxy.now, region: home)
        let served = try RuntimeEmulator().serve("UptimeChecker", events: [tick], environment: environment([
            "WATCHED_ACCOUNTS": "\(members.one),\(members.two)", "ROUTES_PARAMETER": try storeRoutes(), "SLACK_WEBHOOK_URL": "", "PRICING": "off",
        ]))
        #expect(served.results.first?.kind == "response", "\(served.results.first?.body ?? "") \(served.stderr.suffix(1_000))")
        let attempts = try sink.attempts()
        let data = attempts.filter { $0.path.contains("/DATA/") }.map(\.body)
        let fallback = attempts.filter { $0.path.contains("/DEFAULT/") }.map(\.body)
        #expect(data.contains { $0.contains(routed.id) } && data.allSatisfy { !$0.contains(unrouted.id) }, "\(data)")
        #expect(fallback.contains { $0.contains(unrouted.id) } && fallback.allSatisfy { !$0.contains(routed.id) || $0.contains("routed") })
    }

    @Test("routing: a member's Spot warning goes to the owner its tag names, looked up in the member account")
    func spotWarningRouted() throws {
        let spot = try moto.launch(region: home, account: members.two, tags: ["Name": "pay-batch", "owner": "payments"], spot: true)
        let warning = try TestEvents.sample("spot-interruption-warning.json", instanceId: spot.id).replacing("123456789012", with: members.two)
            .replacing("\"eu-west-1\"", with: "\"\(home)\"").replacing(":eu-west-1:", with: ":\(home):")
        let served = try RuntimeEmulator().serve("StateChangeHandler", events: [warning], environment: environment([
            "ROUTES_PARAMETER": try storeRoutes(), "SLACK_WEBHOOK_URL": "",
        ]))
        #expect(served.results.first?.kind == "response", "\(served.results.first?.body ?? "") \(served.stderr.suffix(1_000))")
        let attempts = try sink.attempts()
        let payments = attempts.filter { $0.path.contains("/PAYMENTS/") }.map(\.body)
        #expect(payments.count == 1 && payments[0].contains("Spot interruption") && payments[0].contains("pay-batch"), "\(payments)")
        #expect(attempts.filter { $0.path.contains("/DEFAULT/") }.isEmpty, "no summary for a single warning, and nothing fell back")
    }

    func memberClient(_ account: String, region: String) throws -> AWSClient {
        let assumed = try STSClient(aws: moto.awsClient()).assumeRole(roleArn: "arn:aws:iam::\(account):role/\(Self.roleName)", sessionName: "instance-watch-test")
        return try moto.awsClient(credentials: assumed.credentials, region: region)
    }
}
