import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The StateChangeHandler executable, one local invocation at a time (`--event -`), against moto
/// (signatures checked) and a local webhook sink.
@Suite("StateChangeHandler end to end")
struct StateChangeHandlerTests {
    let moto: MotoServer
    let sink: FaultServer
    let table: String

    init() throws {
        moto = try MotoServer.get()
        sink = try FaultServer()
        try sink.setDefault(["status": 200, "body": "ok"])
        table = MotoServer.uniqueName("states")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
    }

    struct Invocation {
        let status: Int32
        let result: [String: Any]
        let stderr: String
    }

    func invoke(_ event: Data, extraEnvironment: [String: String] = [:]) throws -> Invocation {
        var environment = moto.environmentVariables.merging([
            "PATH": "/usr/bin:/bin", "TABLE_NAME": table, "AWS_LAMBDA_LOG_FORMAT": "JSON",
            "SLACK_WEBHOOK_URL": "\(sink.endpoint)/services/T000/B000/SECRET-MARKER",
        ]) { $1 }
        environment.merge(extraEnvironment) { $1 }
        let run = try runCommand(TestPaths.debugExecutable("StateChangeHandler"), ["--event", "-"], environment: environment, input: event)
        let result = (try? JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]) ?? [:]
        #expect(!run.stdout.contains("SECRET-MARKER") && !run.stderr.contains("SECRET-MARKER"), "the webhook URL leaked")
        return Invocation(status: run.status, result: result, stderr: run.stderr)
    }

    func sample(_ name: String, instanceId: String? = nil) throws -> Data {
        Data(try TestEvents.sample(name, instanceId: instanceId).utf8)
    }

    func record(_ id: String) throws -> DynamoDBItem? {
        try moto.item(table: table, id: id)
    }

    @Test("each state transition of the samples, then a late running that stays ended")
    func transitions() throws {
        let id = "i-0123456789abcdef0"
        let pending = try invoke(try sample("state-change-pending.json"))
        #expect(pending.status == 0 && pending.result["action"] as? String == "ignored")
        #expect(try record(id) == nil)

        let running = try invoke(try sample("state-change-running.json"))
        #expect(running.result["action"] as? String == "recorded-start")
        #expect(try record(id)?["start_time"] == .s("2026-11-21T08:01:00Z"))
        #expect(try record(id)?["stop_time"] == .s(""))

        #expect(try invoke(try sample("state-change-stopped.json")).result["action"] as? String == "recorded-stop")
        #expect(try record(id)?["stop_time"] == .s("2026-11-21T08:03:00Z"))
        #expect(try invoke(try sample("state-change-stopped.json")).result["action"] as? String == "stale-ignored", "a duplicate changes nothing")

        #expect(try invoke(try sample("state-change-terminated.json")).result["action"] as? String == "recorded-termination")
        #expect(try record(id)?["expires_at"] != nil)
        let late = try invoke(try sample("state-change-running.json"))
        #expect(late.status == 0 && late.result["action"] as? String == "stale-ignored")
        #expect(try record(id)?["state"] == .s("terminated"))
        #expect(try record(id)?["account"] == .s("123456789012") && record(id)?["region"] == .s("eu-west-1"))
    }

    @Test("a Spot warning posts one message with the instance's Name and private IP from EC2")
    func spotWarning() throws {
        let name = MotoServer.uniqueName("batch-worker")
        let id = try moto.launch(tags: ["Name": name], spot: true).id
        let run = try invoke(try sample("spot-interruption-warning.json", instanceId: id))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.result["action"] as? String == "slack-notified")
        let posts = try sink.attempts()
        try #require(posts.count == 1)
        #expect(posts[0].path == "/services/T000/B000/SECRET-MARKER")
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(posts[0].body.utf8)) as? [String: Any])
        let text = try #require(payload["text"] as? String)
        #expect(text.contains(id) && text.contains(name))
        let instance = try #require(try EC2Client(aws: moto.awsClient()).describeInstances(ids: [id]).first)
        #expect(posts[0].body.contains(try #require(instance.privateIPAddress)))
        #expect(posts[0].body.contains("https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#InstanceDetails:instanceId=\(id)"))
        #expect(posts[0].body.contains("#FFC300"))
    }

    @Test("with a Teams webhook too, the Spot and rebalance warnings also reach Teams as valid Adaptive Cards with the Name, account, region and IP")
    func teamsWarning() throws {
        let teams = try FaultServer()
        try teams.setDefault(["status": 202, "body": ""]) // a Workflows webhook accepts with 202
        let name = MotoServer.uniqueName("batch-worker")
        let id = try moto.launch(tags: ["Name": name], spot: true).id
        let teamsURL = "\(teams.endpoint)/workflows/abc/triggers/manual/paths/invoke?sig=TEAMS-SECRET"
        for sampleName in ["spot-interruption-warning.json", "rebalance-recommendation.json"] {
            let run = try invoke(try sample(sampleName, instanceId: id), extraEnvironment: ["TEAMS_WEBHOOK_URL": teamsURL])
            #expect(run.status == 0 && run.result["action"] as? String == "slack-notified", "\(run.stderr)")
            #expect(!run.stderr.contains("TEAMS-SECRET"), "the Teams URL is a secret")
        }
        let cards = try teams.attempts()
        let slackPosts = try sink.attempts()
        try #require(cards.count == 2 && slackPosts.count == 2, "Slack and Teams each got both warnings")
        #expect(try AdaptiveCardSchema.problems(cards.map { Data($0.body.utf8) }) == [[], []])
        let instance = try #require(try EC2Client(aws: moto.awsClient()).describeInstances(ids: [id]).first)
        for card in cards.map(\.body) {
            for fragment in [name, id, "123456789012", "eu-west-1", try #require(instance.privateIPAddress), "Action.OpenUrl"] {
                #expect(card.contains(fragment), "the card lacks \(fragment)")
            }
        }
        #expect(cards[0].body.contains("Spot interruption") && cards[1].body.contains("Rebalance recommendation"))
    }

    @Test("a 429 then success delivers exactly once")
    func rateLimited() throws {
        try sink.script([["status": 429, "headers": ["Retry-After": "1"], "body": "rate_limited"]])
        let run = try invoke(try sample("rebalance-recommendation.json"))
        #expect(run.status == 0 && run.result["action"] as? String == "slack-notified")
        let posts = try sink.attempts()
        #expect(posts.count == 2)
        #expect(posts[0].body == posts[1].body, "the same message, sent again after Retry-After")
    }

    @Test("an unknown instance still produces a message, with what the event says")
    func unknownInstance() throws {
        let run = try invoke(try sample("spot-interruption-warning.json", instanceId: "i-0fedcba9876543210"))
        #expect(run.status == 0 && run.result["action"] as? String == "slack-notified")
        let posts = try sink.attempts()
        try #require(posts.count == 1)
        #expect(posts[0].body.contains("i-0fedcba9876543210"))
        #expect(posts[0].body.contains("look-up failed: InvalidInstanceID.NotFound"))
    }

    @Test("a message Slack will not take fails the invocation, so EventBridge retries it")
    func undeliverable() throws {
        try sink.setDefault(["status": 503, "body": "down"])
        let run = try invoke(try sample("spot-interruption-warning.json", instanceId: "i-0fedcba9876543210"))
        #expect(run.status == 1)
        #expect(run.result["errorType"] as? String == "SlackDeliveryFailed")
        #expect((try sink.attempts()).count > 1)
    }

    @Test("the malformed Powertools event is an error naming the missing field")
    func malformed() throws {
        let event = Data(try TestEvents.malformed().utf8)
        let run = try invoke(event)
        #expect(run.status == 1)
        #expect(run.result["errorType"] as? String == "MalformedEvent")
        #expect((run.result["errorMessage"] as? String)?.contains("detail.instance-id is missing") == true)
        #expect(try sink.attempts().isEmpty, "nothing is posted for a malformed event")
    }

    @Test("an unrelated event is acknowledged as ignored, not an error")
    func unrelated() throws {
        let run = try invoke(try sample("unrelated-s3-object-created.json"))
        #expect(run.status == 0)
        #expect(run.result["action"] as? String == "ignored")
    }

    @Test("missing AWS credentials are a configuration error naming the variable")
    func missingCredentials() throws {
        let run = try runCommand(TestPaths.debugExecutable("StateChangeHandler"), ["--event", "-"],
                                 environment: ["PATH": "/usr/bin:/bin", "AWS_REGION": "eu-west-1"], input: try sample("state-change-running.json"))
        #expect(run.status == 1)
        #expect(run.stdout.contains("AWS_ACCESS_KEY_ID") && run.stdout.contains("InvalidConfiguration"))
    }

    @Test("under the Runtime API: a state change, a malformed event and an unrelated one, in one process")
    func runtimeMode() throws {
        let emulator = try RuntimeEmulator()
        let running = try emulator.invoke(String(decoding: try sample("state-change-running.json", instanceId: "i-0aaaaaaaaaaaaaaa9"), as: UTF8.self))
        let malformed = try emulator.invoke(try TestEvents.malformed())
        let unrelated = try emulator.invoke(String(decoding: try sample("unrelated-s3-object-created.json"), as: UTF8.self))
        try emulator.answerNext(withStatus: 500)
        let environment = moto.environmentVariables.merging([
            "PATH": "/usr/bin:/bin", "TABLE_NAME": table, "AWS_LAMBDA_RUNTIME_API": emulator.hostAndPort,
            "SLACK_WEBHOOK_URL": "\(sink.endpoint)/services/T000/B000/SECRET-MARKER",
        ]) { $1 }
        let run = try runCommand(TestPaths.debugExecutable("StateChangeHandler"), [], environment: environment)
        #expect(run.status != 0, "the 500 ends the process")
        let results = try emulator.results(waitingFor: 3)
        #expect(results.map(\.requestId) == [running, malformed, unrelated])
        #expect(results[0].json["action"] as? String == "recorded-start")
        #expect(results[1].errorTypeHeader == "Function.MalformedEvent")
        #expect(results[2].json["action"] as? String == "ignored")
        #expect(try record("i-0aaaaaaaaaaaaaaa9")?["state"] == .s("running"))
        #expect(!run.stderr.contains("SECRET-MARKER"))
    }

    @Test("shuffled and duplicated lifecycles through the real binary: each answer and the final table follow the rule (seeded)")
    func shuffledThroughBinary() throws {
        var generator = SeededGenerator(seed: 7_172_026)
        var events: [EC2Event.StateChange] = []
        for index in 0..<4 {
            let id = String(format: "i-0ccccccccccccc%03d", index)
            var time = 1_795_000_000
            for state in [InstanceState.pending, .running, .stopping, .stopped, .running, .shuttingDown, .terminated] {
                time += Int.random(in: 0...2, using: &generator)
                events.append(EC2Event.StateChange(instanceId: id, state: state, time: UTCDateTime(epochSeconds: time), account: "123456789012", region: "eu-west-1"))
            }
        }
        var deliveries = events + events.filter { _ in Bool.random(using: &generator) }
        deliveries.shuffle(using: &generator)

        let emulator = try RuntimeEmulator()
        var ids: [String] = []
        for event in deliveries {
            ids.append(try emulator.invoke(#"{"version":"0","id":"x","detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","account":"123456789012","time":"\#(event.time.extendedISO8601)","region":"eu-west-1","resources":[],"detail":{"instance-id":"\#(event.instanceId)","state":"\#(event.state.rawValue)"}}"#))
        }
        try emulator.answerNext(withStatus: 500)
        let environment = moto.environmentVariables.merging(["PATH": "/usr/bin:/bin", "TABLE_NAME": table, "AWS_LAMBDA_RUNTIME_API": emulator.hostAndPort]) { $1 }
        _ = try runCommand(TestPaths.debugExecutable("StateChangeHandler"), [], environment: environment)
        let results = try emulator.results(waitingFor: deliveries.count)
        try #require(results.map(\.requestId) == ids)

        var expected: [String: RecordedState] = [:]
        for (event, result) in zip(deliveries, results) {
            let current = expected[event.instanceId] ?? RecordedState(lastEventTime: nil, state: nil)
            let applies = event.state != .pending && StateTracking.supersedes(event.state, at: event.time, current)
            let action = result.json["action"] as? String
            if event.state == .pending {
                #expect(action == "ignored")
            } else {
                #expect((action != "stale-ignored") == applies, "\(event.instanceId) \(event.state) at \(event.time.extendedISO8601): \(action ?? result.body)")
            }
            if applies { expected[event.instanceId] = RecordedState(lastEventTime: event.time.extendedISO8601, state: event.state) }
        }
        for (id, state) in expected {
            #expect(try record(id)?["state"] == .s(state.state!.rawValue), "\(id)")
            #expect(try record(id)?["last_event_time"] == .s(state.lastEventTime!), "\(id)")
        }
        #expect(expected.count == 4)
    }

    @Test("the webhook URL can come from an SSM SecureString, read at start-up")
    func webhookFromSSM() throws {
        let parameter = "/instance-watch/" + MotoServer.uniqueName("webhook")
        try moto.fixture(["op": "put_parameter", "name": parameter, "value": "\(sink.endpoint)/services/T1/B1/SSM-SECRET", "type": "SecureString"])
        let run = try invoke(try sample("rebalance-recommendation.json"), extraEnvironment: ["SLACK_WEBHOOK_URL": "", "SLACK_WEBHOOK_PARAMETER": parameter])
        #expect(run.status == 0 && run.result["action"] as? String == "slack-notified", "\(run.stderr)")
        #expect(try sink.attempts().map(\.path) == ["/services/T1/B1/SSM-SECRET"])
        #expect(!run.stderr.contains("SSM-SECRET"))

        let missing = try invoke(try sample("rebalance-recommendation.json"), extraEnvironment: ["SLACK_WEBHOOK_URL": "", "SLACK_WEBHOOK_PARAMETER": "/instance-watch/none"])
        #expect(missing.status == 1)
        #expect((missing.result["errorMessage"] as? String)?.contains("ParameterNotFound") == true)
    }
}
