import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Support

/// What every end-to-end suite of the UptimeChecker stands on: moto's server (signatures checked),
/// a Slack sink, EC2 through the aging proxy, and a table and a topic of the test's own, in a region
/// with no other running instances.
struct CheckerFixture {
    let moto: MotoServer
    let sink: FaultServer
    let ec2: AgingProxy
    let region: String
    let table: String
    /// The savings ledger's table (`LEDGER_TABLE_NAME`).
    let ledger: String
    let topicArn: String

    /// - Parameter region: a region of the test's own (`MotoServer.privateRegion()`), or the one a
    ///   serialised suite shares: its running instances are terminated first, so it starts clean.
    init(region: String, shared: Bool, name: String) throws {
        moto = try MotoServer.get()
        sink = try FaultServer()
        try sink.setDefault(["status": 200, "body": "ok"])
        ec2 = try AgingProxy(moto)
        self.region = region
        if shared { try moto.fixture(["op": "terminate_running", "region": region]) }
        table = MotoServer.uniqueName(name)
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id", "region": region])
        ledger = MotoServer.uniqueName(name + "-ledger")
        try moto.fixture(["op": "create_table", "name": ledger, "key": "instance_id", "sort": "stopped_at", "region": region])
        let topic = try moto.fixture(["op": "create_topic", "name": MotoServer.uniqueName(name), "region": region])
        topicArn = try #require(topic["arn"] as? String, "\(topic)")
    }

    /// moto's credentials and region, the table, the topic, the Slack sink, EC2 through the aging
    /// proxy; then `settings` (an empty value unsets nothing: the functions read it as unset).
    func environment(_ settings: [String: String] = [:]) -> [String: String] {
        moto.environmentVariables(region: region).merging([
            "TABLE_NAME": table, "LEDGER_TABLE_NAME": ledger, "TOPIC_ARN": topicArn, "SLACK_WEBHOOK_URL": "\(sink.endpoint)/services/T000/B000/SECRET-MARKER",
        ]) { $1 }.merging(ec2.environment) { $1 }.merging(settings) { $1 }
    }

    /// One run of the checker on a tick dated `tick` (only logged: the checker keeps its own clock).
    func check(_ settings: [String: String] = [:], tick: UTCDateTime = AgingProxy.now) throws -> CheckerRun {
        let run = try CheckerRun.run(environment: environment(settings), tick: tick, region: region)
        #expect(!"\(run.result)".contains("SECRET-MARKER") && !run.stderr.contains("SECRET-MARKER"), "the webhook URL leaked")
        return run
    }

    /// What the StateChangeHandler executable answered for an event, with its log.
    struct Recorded {
        let status: Int32
        let action: String?
        let stderr: String
    }

    /// The StateChangeHandler, on the fixture's table and ledger, told that `id` entered `state` at `time`.
    @discardableResult
    func stateChange(_ id: String, _ state: String, at time: UTCDateTime, _ settings: [String: String] = [:]) throws -> Recorded {
        let run = try runCommand(TestPaths.debugExecutable("StateChangeHandler"), ["--event", "-"],
                                 environment: environment(["PATH": "/usr/bin:/bin"].merging(settings) { $1 }),
                                 input: Data(TestEvents.stateChange(id, state, at: time, region: region).utf8))
        let result = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]) ?? [:]
        return Recorded(status: run.status, action: result["action"] as? String, stderr: run.stderr)
    }

    @discardableResult
    func fixture(_ command: [String: Any]) throws -> [String: Any] {
        let answer = try moto.fixture(command.merging(["region": region]) { $1 })
        if let error = answer["error"] { Issue.record("fixture \(command["op"] ?? "?") failed: \(error)") }
        return answer
    }

    func launch(tags: [String: String] = [:], spot: Bool = false, type: String = "t3.micro") throws -> (id: String, launched: UTCDateTime) {
        try moto.launch(region: region, tags: tags, spot: spot, type: type)
    }

    func put(_ items: [[String: String]], padding: Int = 0) throws {
        try fixture(["op": "put_items", "table": table, "items": items, "padding": padding])
    }

    /// The table's items by instance id, strings and numbers as text.
    func records() throws -> [String: [String: String]] {
        let items = try #require(try fixture(["op": "scan_all", "table": table])["items"] as? [[String: [String: String]]])
        return Dictionary(uniqueKeysWithValues: items.map { item in
            (item["instance_id"]?["S"] ?? "", item.compactMapValues { $0["S"] ?? $0["N"] })
        })
    }

    /// The ledger's items, strings and numbers as text (a summary's map left out).
    func ledgerItems() throws -> [[String: String]] {
        let items = try #require(try fixture(["op": "scan_all", "table": ledger])["items"] as? [[String: [String: Any]]])
        return items.map { $0.compactMapValues { ($0["S"] ?? $0["N"]) as? String } }
    }

    /// EC2's state of each instance.
    func states(_ ids: [String]) throws -> [String: String] {
        try fixture(["op": "instance_states", "ids": ids])["states"] as? [String: String] ?? [:]
    }

    struct Mail {
        let subject: String
        let body: String
    }

    /// What moto's SNS sent to the topic.
    func mails() throws -> [Mail] {
        let messages = try #require(try fixture(["op": "sns_messages", "topic": topicArn])["messages"] as? [[String: Any]])
        return messages.filter { $0["topic"] as? String == topicArn }
            .map { Mail(subject: $0["subject"] as? String ?? "", body: $0["message"] as? String ?? "") }
    }

    /// What the Slack sink received, as JSON, and as it came.
    func slackPosts() throws -> [[String: Any]] {
        try sink.attempts().map { try #require(try JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any]) }
    }
}

/// A suite standing on a `CheckerFixture`, with its parts by their short names.
protocol OnCheckerFixture {
    var fixture: CheckerFixture { get }
}

extension OnCheckerFixture {
    var moto: MotoServer { fixture.moto }
    var sink: FaultServer { fixture.sink }
    var ec2: AgingProxy { fixture.ec2 }
    var region: String { fixture.region }
    var table: String { fixture.table }
    var topicArn: String { fixture.topicArn }
}
