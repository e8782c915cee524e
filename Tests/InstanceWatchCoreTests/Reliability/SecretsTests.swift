import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// Both functions through their successes and every kind of failure, logging at TRACE, with the
/// three secrets set: no log line, error, result or init error may contain one. The AWS secrets are
/// the real ones of a role moto issued (moto checks the signature and the session token, so a
/// made-up value could not reach the success paths); the webhook's path is a marker. Each run also
/// shows the secret was really used (posted to, signed with, sent), so a run that never touched a
/// secret cannot pass for one that kept it.
@Suite("Secrets never reach a log, an error or a result")
struct SecretsTests {
    static let webhookMarker = "WEBHOOK-MARKER-5d1c9a"
    static let secretKeyMarker = "SECRET-KEY-MARKER-0c4f11"

    let moto: MotoServer
    let role: [String: String]

    init() throws {
        moto = try MotoServer.get()
        role = try moto.roleEnvironment(actions: ["*"])
    }

    /// Everything a run left that a person or another system could read.
    struct Exposure {
        var texts: [String] = []

        mutating func add(_ served: RuntimeEmulator.Served, _ emulator: RuntimeEmulator) throws {
            texts.append(served.stderr)
            texts += served.results.flatMap { [$0.body, $0.errorTypeHeader ?? ""] }
            if let initError = try emulator.initError() { texts += [initError.body, initError.errorTypeHeader ?? ""] }
        }

        func expectNone(of markers: [String], _ context: String) {
            for marker in markers {
                let leaks = texts.filter { $0.contains(marker) }
                #expect(leaks.isEmpty, "\(context): \(marker) leaked in \(leaks.first.map { String($0.prefix(500)) } ?? "")")
            }
        }
    }

    /// One function process under the emulator, its AWS calls through a proxy that records them (and
    /// faults `faults`), Slack answering `slackAnswer`.
    func run(_ product: String, events: [String], region: String? = nil, secret: String? = nil, faults: [[String: Any]] = [],
             slackAnswer: [String: Any] = ["status": 200, "body": "ok"], settings: [String: String] = [:])
        throws -> (served: RuntimeEmulator.Served, exposure: Exposure, awsAttempts: [FaultServer.Attempt], slackAttempts: [FaultServer.Attempt]) {
        let proxy = try FaultServer(upstream: "127.0.0.1:\(moto.peer.port)")
        try proxy.script(faults)
        // Instances look seven hours old to the functions, which keep their own clock.
        try proxy.age(seconds: 7 * 3600)
        let sink = try FaultServer()
        try sink.setDefault(slackAnswer)
        let emulator = try RuntimeEmulator(timeoutMilliseconds: 8_000)
        var environment = role.merging([
            "AWS_REGION": region ?? moto.region, "AWS_ENDPOINT_URL": proxy.endpoint, "AWS_LAMBDA_LOG_LEVEL": "TRACE",
            "SLACK_WEBHOOK_URL": "\(sink.endpoint)/services/T0/B0/\(Self.webhookMarker)",
        ]) { $1 }
        if let secret { environment["AWS_SECRET_ACCESS_KEY"] = secret }
        environment.merge(settings) { $1 }
        let served = try emulator.serve(product, events: events, environment: environment)
        var exposure = Exposure()
        try exposure.add(served, emulator)
        return (served, exposure, try proxy.attempts(), try sink.attempts())
    }

    var markers: [String] { [Self.webhookMarker, Self.secretKeyMarker, role["AWS_SECRET_ACCESS_KEY"]!, role["AWS_SESSION_TOKEN"]!] }

    @Test("StateChangeHandler: recorded, posted, malformed, Slack down, Slack refusing, DynamoDB throttled, a wrong key, a bad webhook URL")
    func stateChangeHandler() throws {
        let table = MotoServer.uniqueName("secrets")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
        let settings = ["TABLE_NAME": table]
        let everyEvent = [try TestEvents.sample("state-change-running.json"), try TestEvents.sample("spot-interruption-warning.json"), try TestEvents.malformed()]

        let success = try run("StateChangeHandler", events: everyEvent, settings: settings)
        #expect(success.served.results.map(\.kind) == ["response", "response", "error"], "\(success.served.stderr)")
        #expect(success.slackAttempts.first?.path.contains(Self.webhookMarker) == true, "the webhook was used")
        #expect(success.awsAttempts.contains { $0.headers["x-amz-security-token"] == role["AWS_SESSION_TOKEN"] }, "the token was sent")
        success.exposure.expectNone(of: markers, "successes")

        let slackDown = try run("StateChangeHandler", events: [try TestEvents.sample("rebalance-recommendation.json")], slackAnswer: ["status": 503, "body": "down"], settings: settings)
        #expect(slackDown.served.result(0)?.errorTypeHeader == "Function.SlackDeliveryFailed")
        slackDown.exposure.expectNone(of: markers, "Slack down")

        let slackRefusing = try run("StateChangeHandler", events: [try TestEvents.sample("rebalance-recommendation.json")],
                                    slackAnswer: ["status": 404, "body": "no_service"], settings: settings)
        #expect(slackRefusing.served.result(0)?.body.contains("no_service") == true)
        slackRefusing.exposure.expectNone(of: markers, "Slack refusing")

        let throttle: [String: Any] = ["when": "UpdateItem", "status": 400, "body": #"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"slow down"}"#]
        let throttled = try run("StateChangeHandler", events: [try TestEvents.sample("state-change-stopped.json")], faults: Array(repeating: throttle, count: 10), settings: settings)
        #expect(throttled.served.result(0)?.errorTypeHeader == "Function.DynamoDB.ThrottlingException")
        throttled.exposure.expectNone(of: markers, "DynamoDB throttled")

        let wrongKey = try run("StateChangeHandler", events: [try TestEvents.sample("state-change-stopped.json")], secret: Self.secretKeyMarker, settings: settings)
        #expect(wrongKey.served.result(0)?.kind == "error", "moto refuses a signature made with the wrong key")
        #expect(wrongKey.awsAttempts.contains { ($0.headers["authorization"] ?? "").contains("Signature=") }, "the key was used to sign")
        wrongKey.exposure.expectNone(of: markers, "a wrong secret key")

        let badURL = try run("StateChangeHandler", events: [], settings: settings.merging(["SLACK_WEBHOOK_URL": "ftp://hooks.slack.com/services/\(Self.webhookMarker)"]) { $1 })
        #expect(badURL.exposure.texts.contains { $0.contains("SLACK_WEBHOOK_URL") }, "the init error names the variable")
        badURL.exposure.expectNone(of: markers, "a bad webhook URL")
    }

    @Test("StateChangeHandler with the webhook in SSM: read, used, never shown")
    func webhookFromSSM() throws {
        let parameter = "/instance-watch/" + MotoServer.uniqueName("secret")
        let sink = try FaultServer()
        try sink.setDefault(["status": 503, "body": "down"])
        try moto.fixture(["op": "put_parameter", "name": parameter, "value": "\(sink.endpoint)/services/T9/B9/\(Self.webhookMarker)", "type": "SecureString"])
        let served = try run("StateChangeHandler", events: [try TestEvents.sample("rebalance-recommendation.json")],
                             settings: ["SLACK_WEBHOOK_URL": "", "SLACK_WEBHOOK_PARAMETER": parameter])
        // The sink the SSM value points at answers 503: the error path, with the secret from SSM.
        #expect(served.served.result(0)?.errorTypeHeader == "Function.SlackDeliveryFailed", "\(served.served.stderr)")
        #expect(try sink.attempts().first?.path.contains(Self.webhookMarker) == true)
        served.exposure.expectNone(of: markers, "the webhook from SSM")
    }

    @Test("UptimeChecker: alerts sent, Slack down, SNS down, a wrong key, no channel at all")
    func uptimeChecker() throws {
        let region = MotoServer.privateRegion()
        let table = MotoServer.uniqueName("secrets")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id", "region": region])
        let topicArn = try #require(try moto.fixture(["op": "create_topic", "name": MotoServer.uniqueName("alerts"), "region": region])["arn"] as? String)
        _ = try moto.launch(region: region, tags: ["Name": "secret-test"])
        // A tick of its own for each run (each is a scheduled event, not a retry of the one before).
        var tick: String { TestEvents.tick(at: AgingProxy.now, region: region) }
        let settings = ["TABLE_NAME": table, "TOPIC_ARN": topicArn]

        let success = try run("UptimeChecker", events: [tick], region: region, settings: settings)
        #expect(success.served.result(0)?.json["notified"] as? Int == 1, "\(success.served.stderr)")
        #expect(success.slackAttempts.first?.path.contains(Self.webhookMarker) == true)
        success.exposure.expectNone(of: markers, "alerts sent")

        let slackDown = try run("UptimeChecker", events: [tick], region: region, slackAnswer: ["status": 500, "body": "down"], settings: settings)
        #expect(slackDown.served.result(0)?.errorTypeHeader == "Function.UptimeCheckIncomplete")
        slackDown.exposure.expectNone(of: markers, "Slack down")

        let snsDown = try run("UptimeChecker", events: [tick], region: region,
                              faults: Array(repeating: ["when": "Action=PublishBatch", "status": 500, "body": "InternalFailure"], count: 10), settings: settings)
        #expect(snsDown.served.result(0)?.errorTypeHeader == "Function.UptimeCheckIncomplete")
        snsDown.exposure.expectNone(of: markers, "SNS down")

        let wrongKey = try run("UptimeChecker", events: [tick], region: region, secret: Self.secretKeyMarker, settings: settings)
        #expect(wrongKey.served.result(0)?.kind == "error")
        wrongKey.exposure.expectNone(of: markers, "a wrong secret key")

        let noChannel = try run("UptimeChecker", events: [], region: region, settings: ["TABLE_NAME": table, "SLACK_WEBHOOK_URL": ""])
        #expect(noChannel.exposure.texts.contains { $0.contains("TOPIC_ARN") })
        noChannel.exposure.expectNone(of: markers, "no channel")
    }
}
