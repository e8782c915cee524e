import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The faults each outbound path meets. The first four pass: the call is retried and succeeds. The
/// others last: the invocation reports an error that names the dependency, before its deadline.
enum Fault: String, CaseIterable, Sendable {
    case throttlingBurst, serverErrors, connectionReset, truncatedBody
    case garbageBody, connectionRefused, stallPastDeadline, throttledThroughout

    var passes: Bool { [.throttlingBurst, .serverErrors, .connectionReset, .truncatedBody].contains(self) }

    /// The fault server's steps for calls whose request contains `when`; `throttle` is the
    /// dependency's own way of saying "slow down". `connectionRefused` has none: the endpoint is a dead port.
    func steps(when: String, throttle: [String: Any]) -> [[String: Any]] {
        let stepList: [[String: Any]]
        switch self {
        case .throttlingBurst: stepList = Array(repeating: throttle, count: 3)
        case .serverErrors: stepList = [["status": 500, "body": "InternalFailure"], ["status": 502, "body": "<html><body>502 Bad Gateway</body></html>"]]
        case .connectionReset: stepList = Array(repeating: ["action": "reset"], count: 2)
        case .truncatedBody: stepList = Array(repeating: ["action": "truncate", "body": "{\"Attri", "declared": 400], count: 2)
        case .garbageBody: stepList = [["status": 200, "body": "\u{0}\u{1}<<garbage \u{FFFD}{{[", "headers": ["Content-Type": "application/json"]]]
        case .connectionRefused: stepList = []
        case .stallPastDeadline: stepList = Array(repeating: ["action": "stall", "ms": 30_000, "then": ["status": 503, "body": "late"]], count: 3)
        case .throttledThroughout: stepList = Array(repeating: throttle, count: 12)
        }
        return stepList.map { $0.merging(["when": when]) { $1 } }
    }
}

/// Every outbound path (DynamoDB, SNS, EC2, SSM, Slack, the Runtime API) through the real executables
/// under the Runtime API emulator, with a fault-injecting proxy in front of moto (signatures checked)
/// or the Slack sink. Each run also serves a second event, to show the loop goes on.
@Suite("Fault injection: each dependency failing, through the real loop")
struct FaultInjectionTests {
    let moto: MotoServer
    static let unrelatedEvent = #"{"version":"0","id":"u","detail-type":"Object Created","source":"aws.s3","account":"123456789012","time":"2026-11-21T08:00:00Z","region":"eu-west-1","resources":[],"detail":{}}"#

    init() throws {
        moto = try MotoServer.get()
    }

    static var dynamoDBThrottle: [String: Any] { [
        "status": 400, "headers": ["Content-Type": "application/x-amz-json-1.0"],
        "body": #"{"__type":"com.amazonaws.dynamodb.v20120810#ThrottlingException","message":"Rate of requests exceeds the allowed throughput."}"#,
    ] }
    static var ssmThrottle: [String: Any] { [
        "status": 400, "headers": ["Content-Type": "application/x-amz-json-1.1"],
        "body": #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#,
    ] }
    static var snsThrottle: [String: Any] { [
        "status": 400, "headers": ["Content-Type": "text/xml"],
        "body": #"<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>f1</RequestId></ErrorResponse>"#,
    ] }
    static var ec2Throttle: [String: Any] { [
        "status": 503, "headers": ["Content-Type": "text/xml"],
        "body": #"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>f2</RequestID></Response>"#,
    ] }
    static var slackThrottle: [String: Any] { ["status": 429, "headers": ["Retry-After": "1"], "body": "rate_limited"] }

    /// A proxy in front of moto with `fault` scripted, and the endpoint the function should use:
    /// the proxy's, or a dead port for `connectionRefused`.
    func faultyMoto(_ fault: Fault, when: String, throttle: [String: Any]) throws -> (proxy: FaultServer, endpoint: String) {
        let proxy = try FaultServer(upstream: "127.0.0.1:\(moto.peer.port)")
        try proxy.script(fault.steps(when: when, throttle: throttle))
        let endpoint = fault == .connectionRefused ? "http://127.0.0.1:\(try freePortNobodyListensOn())" : proxy.endpoint
        return (proxy, endpoint)
    }

    func attempts(_ proxy: FaultServer, containing text: String) throws -> Int {
        try proxy.attempts().filter { ($0.headers["x-amz-target"] ?? "").contains(text) || $0.body.contains(text) }.count
    }

    static func randomInstanceId() -> String {
        "i-0" + String((0..<16).map { _ in "0123456789abcdef".randomElement()! })
    }

    /// What every run must show, whatever the fault: each event answered, before its deadline, by a
    /// process that only the final 500 ended.
    func expectServedInTime(_ served: RuntimeEmulator.Served, _ fault: Fault) {
        #expect(served.results.count == served.requestIds.count, "\(fault): every event is answered\n\(served.stderr)")
        for result in served.results {
            #expect(result.answeredInTime, "\(fault): \(result.requestId) answered at \(result.answeredAt), deadline \(result.deadline)")
        }
        #expect(served.stderr.contains("the Runtime API answered 500"), "\(fault): the loop ran until the test ended it\n\(served.stderr)")
    }

    @Test("DynamoDB: a state change is recorded after transient faults; a lasting one fails the invocation, and nothing is recorded", arguments: Fault.allCases)
    func dynamoDB(_ fault: Fault) throws {
        let table = MotoServer.uniqueName("faults")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
        let (proxy, endpoint) = try faultyMoto(fault, when: "UpdateItem", throttle: Self.dynamoDBThrottle)
        let id = Self.randomInstanceId()
        let emulator = try RuntimeEmulator(timeoutMilliseconds: 4_000)
        let served = try emulator.serve("StateChangeHandler", events: [try TestEvents.sample("state-change-running.json", instanceId: id), Self.unrelatedEvent],
                                        environment: moto.environmentVariables.merging(["TABLE_NAME": table, "AWS_ENDPOINT_URL_DYNAMODB": endpoint]) { $1 })
        expectServedInTime(served, fault)
        let first = try #require(served.result(0))
        if fault.passes {
            #expect(first.kind == "response" && first.json["action"] as? String == "recorded-start", "\(first.body)")
            #expect(try moto.item(table: table, id: id)?["state"] == .s("running"))
            #expect(try attempts(proxy, containing: "UpdateItem") == fault.steps(when: "", throttle: [:]).count + 1, "retried until it went through")
        } else {
            #expect(first.kind == "error", "\(first.body)")
            #expect(first.errorTypeHeader?.hasPrefix("Function.DynamoDB.") == true, "\(first.errorTypeHeader ?? "none")")
            let message = first.json["errorMessage"] as? String ?? ""
            #expect(message.contains("DynamoDB UpdateItem"), "the error names the dependency and the call: \(message)")
            #expect(try moto.item(table: table, id: id) == nil, "a write that failed is not reported as recorded, and was not made")
        }
        #expect(served.result(1)?.json["action"] as? String == "ignored", "the next event is served")
    }

    @Test("SNS: an overdue instance is e-mailed after transient faults; a lasting one fails the run and gives the claim back", arguments: Fault.allCases)
    func sns(_ fault: Fault) throws {
        let region = MotoServer.privateRegion()
        let table = MotoServer.uniqueName("faults")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id", "region": region])
        let topicArn = try #require(try moto.fixture(["op": "create_topic", "name": MotoServer.uniqueName("alerts"), "region": region])["arn"] as? String)
        let (id, _) = try moto.launch(region: region)
        let (proxy, endpoint) = try faultyMoto(fault, when: "Action=PublishBatch", throttle: Self.snsThrottle)
        let ec2 = try AgingProxy(moto)
        try ec2.age(7 * 3600)
        let tick = TestEvents.tick(at: AgingProxy.now, region: region)
        let emulator = try RuntimeEmulator(timeoutMilliseconds: 6_000)
        let environment = moto.environmentVariables(region: region).merging([
            "TABLE_NAME": table, "TOPIC_ARN": topicArn, "NOTIFY_INTERVAL": "1h", "AWS_ENDPOINT_URL_SNS": endpoint,
        ]) { $1 }.merging(ec2.environment) { $1 }
        let served = try emulator.serve("UptimeChecker", events: [tick, tick], environment: environment)
        expectServedInTime(served, fault)
        let first = try #require(served.result(0))
        let mails = try #require(try moto.fixture(["op": "sns_messages", "topic": topicArn])["messages"] as? [[String: Any]])
        let second = try #require(served.result(1))
        if fault.passes {
            #expect(first.kind == "response" && first.json["notified"] as? Int == 1, "\(first.body)")
            #expect(mails.count == 1, "one e-mail, however many attempts it took")
            #expect(try attempts(proxy, containing: "Action=PublishBatch") == fault.steps(when: "", throttle: [:]).count + 1)
            #expect(second.json["notified"] as? Int == 0, "the retry inside the interval sends nothing more")
        } else {
            #expect(first.kind == "error" && first.errorTypeHeader == "Function.UptimeCheckIncomplete", "\(first.body)")
            let message = first.json["errorMessage"] as? String ?? ""
            #expect(message.contains("SNS PublishBatch") && message.contains(id), "the error names the call and the instance: \(message)")
            if fault == .garbageBody {
                // One bad answer: the claim was given back, so the retry of the same tick sends the alert.
                #expect(second.kind == "response" && second.json["notified"] as? Int == 1, "\(second.body)")
                #expect(mails.count == 1)
            } else {
                #expect(second.kind == "error" && mails.isEmpty)
                #expect(try moto.item(table: table, id: id, region: region)?["last_notified_at"] == nil,
                        "an alert that was not sent is not marked as sent: the claim was given back")
            }
        }
    }

    @Test("EC2: a Spot warning's look-up is retried; when EC2 stays down the warning still goes out, with what the event says", arguments: Fault.allCases)
    func ec2LookUp(_ fault: Fault) throws {
        let name = MotoServer.uniqueName("spot-worker")
        let id = try moto.launch(tags: ["Name": name], spot: true).id
        let (proxy, endpoint) = try faultyMoto(fault, when: "Action=DescribeInstances", throttle: Self.ec2Throttle)
        let sink = try FaultServer()
        try sink.setDefault(["status": 200, "body": "ok"])
        // The look-up has 5 s at most (StateChangeEventHandler.lookUpBudget); the deadline leaves time to post after it.
        let emulator = try RuntimeEmulator(timeoutMilliseconds: 8_000)
        let served = try emulator.serve("StateChangeHandler", events: [try TestEvents.sample("spot-interruption-warning.json", instanceId: id), Self.unrelatedEvent],
                                        environment: moto.environmentVariables.merging([
                                            "AWS_ENDPOINT_URL_EC2": endpoint, "SLACK_WEBHOOK_URL": "\(sink.endpoint)/services/T0/B0/X",
                                        ]) { $1 })
        expectServedInTime(served, fault)
        let first = try #require(served.result(0))
        #expect(first.kind == "response" && first.json["action"] as? String == "slack-notified", "\(first.body)")
        let posts = try sink.attempts()
        try #require(posts.count == 1)
        #expect(posts[0].body.contains(id))
        if fault.passes {
            #expect(posts[0].body.contains(name), "the look-up went through: the message has the Name tag")
            #expect(try attempts(proxy, containing: "Action=DescribeInstances") == fault.steps(when: "", throttle: [:]).count + 1)
        } else {
            #expect(posts[0].body.contains("look-up failed"), "the message says the details are missing, and why")
            #expect(!posts[0].body.contains(name))
        }
    }

    @Test("EC2 down for the UptimeChecker: alerts still go out from the table, and the result says what was skipped")
    func ec2DownForTheChecker() throws {
        let region = MotoServer.privateRegion()
        let table = MotoServer.uniqueName("faults")
        try moto.fixture(["op": "create_table", "name": table, "key": "instance_id", "region": region])
        let sink = try FaultServer()
        try sink.setDefault(["status": 200, "body": "ok"])
        let id = Self.randomInstanceId()
        try moto.fixture(["op": "put_items", "table": table, "region": region, "items": [[
            "instance_id": id, "state": "running", "start_time": "2026-11-21T01:00:00Z", "stop_time": "",
            "last_event_time": "2026-11-21T01:00:00Z", "region": region, "account": "123456789012",
        ]]])
        let (ec2Proxy, endpoint) = try faultyMoto(.throttledThroughout, when: "Action=DescribeInstances", throttle: Self.ec2Throttle)
        let tick = TestEvents.tick(at: UTCDateTime.parse("2026-11-21T09:00:00Z")!, region: region)
        let served = try RuntimeEmulator(timeoutMilliseconds: 6_000).serve("UptimeChecker", events: [tick], environment: moto.environmentVariables(region: region).merging([
            "TABLE_NAME": table, "AWS_ENDPOINT_URL_EC2": endpoint, "SLACK_WEBHOOK_URL": "\(sink.endpoint)/services/T0/B0/X",
        ]) { $1 })
        expectServedInTime(served, .throttledThroughout)
        let result = try #require(served.result(0))
        #expect(result.kind == "response" && result.json["notified"] as? Int == 1, "\(result.body)")
        let problems = (result.json["problems"] as? [String] ?? []).joined(separator: "\n")
        #expect(problems.contains("EC2") && problems.contains("RequestLimitExceeded"), "\(problems)")
        #expect(try sink.attempts().first?.body.contains(id) == true)
        #expect(try attempts(ec2Proxy, containing: "Action=DescribeInstances") == RetryPolicy.standard.maximumAttempts)
    }

    @Test("SSM: the webhook parameter is read after transient faults; a lasting fault is an init error naming the parameter", arguments: Fault.allCases)
    func ssm(_ fault: Fault) throws {
        let sink = try FaultServer()
        try sink.setDefault(["status": 200, "body": "ok"])
        let parameter = "/instance-watch/" + MotoServer.uniqueName("webhook")
        try moto.fixture(["op": "put_parameter", "name": parameter, "value": "\(sink.endpoint)/services/T1/B1/FROM-SSM", "type": "SecureString"])
        let (proxy, endpoint) = try faultyMoto(fault, when: "GetParameter", throttle: Self.ssmThrottle)
        let emulator = try RuntimeEmulator()
        let started = Date()
        let served = try emulator.serve("StateChangeHandler", events: [try TestEvents.sample("rebalance-recommendation.json", instanceId: Self.randomInstanceId())],
                                        environment: moto.environmentVariables.merging([
                                            "SLACK_WEBHOOK_PARAMETER": parameter, "AWS_ENDPOINT_URL_SSM": endpoint,
                                        ]) { $1 })
        if fault.passes {
            #expect(served.results.first?.json["action"] as? String == "slack-notified", "\(served.stderr)")
            #expect(try sink.attempts().map(\.path) == ["/services/T1/B1/FROM-SSM"])
            #expect(try attempts(proxy, containing: "GetParameter") == fault.steps(when: "", throttle: [:]).count + 1)
        } else {
            let initError = try #require(try emulator.initError(), "a failed start is reported to init/error\n\(served.stderr)")
            #expect(initError.errorTypeHeader?.hasPrefix("Runtime.SSM.") == true, "\(initError.errorTypeHeader ?? "none")")
            #expect(initError.body.contains("SSM GetParameter"), "\(initError.body)")
            #expect(served.status != 0 && served.results.isEmpty)
            #expect(Date().timeIntervalSince(started) < 10, "Lambda allows an init 10 s; the failure is reported inside them")
            #expect(!initError.body.contains("FROM-SSM"))
        }
    }

    @Test("SSM: the reads of one cold start share one budget: two slow ones end in an init error inside Lambda's 10 s, not past it")
    func ssmReadsShareTheColdStart() throws {
        let sink = try FaultServer()
        try sink.setDefault(["status": 200, "body": "ok"])
        var environment = moto.environmentVariables
        for (variable, name) in [("SLACK_WEBHOOK_PARAMETER", "slack"), ("TEAMS_WEBHOOK_PARAMETER", "teams")] {
            let parameter = "/instance-watch/" + MotoServer.uniqueName(name)
            try moto.fixture(["op": "put_parameter", "name": parameter, "value": "\(sink.endpoint)/webhook/\(name)", "type": "SecureString"])
            environment[variable] = parameter
        }
        // Each read answers, after 5 s: alone within the budget, together past Lambda's 10 s.
        let proxy = try FaultServer(upstream: "127.0.0.1:\(moto.peer.port)")
        try proxy.script([["when": "GetParameter", "always": true, "action": "stall", "ms": 5_000, "then": ["action": "forward"]]])
        environment["AWS_ENDPOINT_URL_SSM"] = proxy.endpoint
        let emulator = try RuntimeEmulator()
        let started = Date()
        let served = try emulator.serve("StateChangeHandler", events: [Self.unrelatedEvent], environment: environment)
        let initError = try #require(try emulator.initError(), "the second read has what is left of the budget\n\(served.stderr)")
        #expect(initError.body.contains("SSM GetParameter"), "\(initError.body)")
        #expect(Date().timeIntervalSince(started) < 10, "Lambda allows an init 10 s; the failure is reported inside them")
        let posts = try sink.attempts()
        #expect(served.results.isEmpty && posts.isEmpty)
    }

    @Test("Slack: a Spot warning is delivered after 429s, 5xx, resets and cut answers; otherwise the invocation fails naming Slack's answer", arguments: Fault.allCases)
    func slack(_ fault: Fault) throws {
        let sink = try FaultServer()
        try sink.setDefault(["status": 200, "body": "ok"])
        try sink.script(fault == .garbageBody
            ? [["status": 400, "body": "\u{0}garbage<html>invalid_payload"]]
            : fault.steps(when: "", throttle: Self.slackThrottle))
        let webhook = fault == .connectionRefused ? "http://127.0.0.1:\(try freePortNobodyListensOn())/services/T0/B0/SECRET" : "\(sink.endpoint)/services/T0/B0/SECRET"
        // Three 429s with Retry-After: 1 take 3 s of the deadline; 8 s leaves the look-up before them
        // room on a loaded machine (at 5 s, a run of every suite at once once left too little), and
        // twelve are still more than it holds.
        let emulator = try RuntimeEmulator(timeoutMilliseconds: 8_000)
        let served = try emulator.serve("StateChangeHandler", events: [try TestEvents.sample("rebalance-recommendation.json", instanceId: Self.randomInstanceId()), Self.unrelatedEvent],
                                        environment: moto.environmentVariables.merging(["SLACK_WEBHOOK_URL": webhook]) { $1 })
        expectServedInTime(served, fault)
        let first = try #require(served.result(0))
        let posts = try sink.attempts().count
        if fault.passes {
            #expect(first.kind == "response" && first.json["action"] as? String == "slack-notified", "\(first.body)")
            #expect(posts == fault.steps(when: "", throttle: [:]).count + 1)
        } else {
            #expect(first.kind == "error" && first.errorTypeHeader == "Function.SlackDeliveryFailed", "\(first.body)")
            let message = first.json["errorMessage"] as? String ?? ""
            #expect(message.contains("Slack (127.0.0.1)"), "\(message)")
            #expect(!message.contains("SECRET") && !served.stderr.contains("SECRET"), "the webhook path is a credential")
            if fault == .garbageBody { #expect(posts == 1 && message.contains("HTTP 400"), "a refusal is not retried") }
        }
        #expect(served.result(1)?.json["action"] as? String == "ignored")
    }

    /// Faults between the runtime loop and the Runtime API itself, on the call named.
    enum RuntimeAPIFault: String, CaseIterable, Sendable {
        case nextReset, nextTruncated, nextWithoutHeaders, responseReset, responseArrivedButAnswerLost, responseSlow, errorReportReset

        var steps: [[String: Any]] {
            switch self {
            case .nextReset: return [["when": "/invocation/next", "action": "reset"], ["when": "/invocation/next", "action": "reset"]]
            case .nextTruncated: return [["when": "/invocation/next", "action": "truncate", "body": "{", "declared": 50]]
            case .nextWithoutHeaders: return [["when": "/invocation/next", "status": 200, "body": "garbage"]]
            // Two resets: libcurl itself sends again, once, when a reused connection dies unanswered.
            case .responseReset: return [["when": "/response", "action": "reset"], ["when": "/response", "action": "reset"]]
            case .responseArrivedButAnswerLost: return [["when": "/response", "action": "forward", "then": "reset"]]
            case .responseSlow: return [["when": "/response", "action": "stall", "ms": 1_500, "then": ["action": "forward"]]]
            case .errorReportReset: return [["when": "/error", "action": "reset"], ["when": "/error", "action": "reset"]]
            }
        }
    }

    @Test("Runtime API: a lost or cut call is made again; every event is answered exactly once", arguments: RuntimeAPIFault.allCases)
    func runtimeAPI(_ fault: RuntimeAPIFault) throws {
        let emulator = try RuntimeEmulator()
        let proxy = try FaultServer(upstream: emulator.hostAndPort)
        try proxy.script(fault.steps)
        let ids = try [Self.unrelatedEvent, TestEvents.malformed(), Self.unrelatedEvent].map { try emulator.invoke($0) }
        try emulator.answerNext(withStatus: 500)
        let run = try runCommand(TestPaths.debugExecutable("StateChangeHandler"), [], environment: moto.environmentVariables.merging([
            "PATH": "/usr/bin:/bin", "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:\(proxy.peer.port)",
        ]) { $1 })
        let results = try emulator.results(waitingFor: 3)
        #expect(results.map(\.requestId) == ids, "each answered once, in order\n\(run.stderr)")
        #expect(results.map(\.kind) == ["response", "error", "response"])
        #expect(run.stderr.contains("the Runtime API answered 500"), "the loop ran until the test ended it\n\(run.stderr)")
    }

    @Test("Runtime API unreachable: the bootstrap retries next a few times, then exits saying so")
    func runtimeAPIRefused() throws {
        let run = try runCommand(TestPaths.debugExecutable("StateChangeHandler"), [], environment: moto.environmentVariables.merging([
            "PATH": "/usr/bin:/bin", "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:\(try freePortNobodyListensOn())",
        ]) { $1 })
        #expect(run.status != 0)
        #expect(run.stderr.contains("did not deliver an invocation after \(LambdaRuntime.nextAttempts) attempts"), "\(run.stderr)")
    }
}
