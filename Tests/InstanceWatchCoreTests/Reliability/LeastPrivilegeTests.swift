import Foundation
import Testing
@testable import InstanceWatchCore
@testable import SlackActions
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// One IAM statement of a role, as the template states it.
struct PolicyStatement {
    let actions: [String]
    let resources: [Any]
    /// The condition keys the statement tests (`aws:ResourceOrgID`), in either branch of an Fn::If.
    var conditionKeys: Set<String> = []
    /// The condition as the template writes it.
    var condition: [String: Any]?

    /// Actions IAM cannot limit to a resource: `*` is their only resource.
    static let resourceless: Set<String> = ["ec2:DescribeInstances", "ec2:DescribeSpotPriceHistory", "pricing:GetProducts", "cloudwatch:GetMetricData"]
    /// Instances may be stopped only when they carry the opt-in tag.
    static let stopTagKey = "ec2:ResourceTag/instance-watch:stop-after"
    /// Stop now from Slack: a person chose the instance, so no opt-in tag; held to unmanaged instances.
    static let unmanagedKey = "ec2:ResourceTag/aws:autoscaling:groupName"
    /// Keys that hold an open account part of an ARN (`iam::*:role/name`) to the organisation or a list.
    static let accountLimitingKeys: Set<String> = ["aws:ResourceOrgID", "aws:ResourceAccount"]

    /// A role's statements from the template's JSON; both branches of a conditional one.
    static func of(role: [String: Any]) -> [PolicyStatement] {
        let policies = ((role["Properties"] as? [String: Any])?["Policies"] as? [[String: Any]]) ?? []
        return policies.flatMap { (($0["PolicyDocument"] as? [String: Any])?["Statement"] as? [Any]) ?? [] }
            .flatMap { statement -> [[String: Any]] in
                if let branches = (statement as? [String: Any])?["Fn::If"] as? [Any] { return branches.dropFirst().compactMap { $0 as? [String: Any] } }
                return (statement as? [String: Any]).map { [$0] } ?? []
            }
            .filter { $0["Action"] != nil }  // the other branch of an Fn::If is {"Ref": "AWS::NoValue"}
            .map { statement in
                PolicyStatement(actions: (statement["Action"] as? [String]) ?? [(statement["Action"] as? String) ?? ""],
                                resources: (statement["Resource"] as? [Any]) ?? [statement["Resource"] as Any],
                                conditionKeys: conditionKeys(statement["Condition"]), condition: statement["Condition"] as? [String: Any])
            }
    }

    /// Every key under the operators of a condition, through Fn::If branches.
    static func conditionKeys(_ condition: Any?) -> Set<String> {
        guard let condition = condition as? [String: Any] else { return [] }
        if let branches = condition["Fn::If"] as? [Any] { return branches.dropFirst().reduce(into: []) { $0.formUnion(conditionKeys($1)) } }
        return condition.values.reduce(into: Set<String>()) { keys, tests in
            keys.formUnion((tests as? [String: Any])?.keys ?? [:].keys)
        }
    }

    /// What is wrong with a role that makes the calls `used`: a wildcard action; a resource wildcard
    /// where the API does not need one (only the `resourceless` actions take no resource) and that no
    /// account-limiting condition holds; a missing permission; a permission nothing uses
    /// (`lambdaSide` are those Lambda itself uses).
    static func problems(_ statements: [PolicyStatement], used: Set<String>, lambdaSide: Set<String>) -> [String] {
        var problems: [String] = []
        var granted = Set<String>()
        for statement in statements {
            granted.formUnion(statement.actions)
            for action in statement.actions where action.contains("*") { problems.append("wildcard action \(action)") }
            let wildcard = statement.resources.contains { resource in
                ((resource as? String) ?? ((resource as? [String: Any])?["Fn::Sub"] as? String) ?? "").contains("*")
            }
            let excused = Set(statement.actions).isSubset(of: resourceless)
                || (statement.actions == ["sts:AssumeRole"] && !statement.conditionKeys.isDisjoint(with: accountLimitingKeys))
                || (statement.actions == ["ec2:StopInstances"] && (statement.conditionKeys.contains(stopTagKey) || statement.conditionKeys.contains(unmanagedKey)))
            if wildcard && !excused {
                problems.append("wildcard resource for \(statement.actions.joined(separator: ", "))")
            }
        }
        for action in used.subtracting(granted).sorted() { problems.append("missing permission \(action)") }
        for action in granted.subtracting(used).subtracting(lambdaSide).sorted() { problems.append("unused permission \(action)") }
        return problems
    }
}

/// The template's roles against the AWS calls each function really makes: each function runs its
/// scenarios under a moto role allowed exactly its template role's actions (moto enforces actions,
/// not resources), through a proxy that records every call. The calls seen must be the actions
/// granted, no more and no fewer; and each granted action, taken away, must break the run.
@Suite("Least privilege: the template's roles against the calls the code makes")
struct LeastPrivilegeTests {
    /// Used on the function's behalf, not by its code: Lambda's logs and failed-event destination, and
    /// the alert topic's key, which SNS uses with the publisher's permissions (moto encrypts nothing).
    static let lambdaSide: Set<String> = ["logs:CreateLogStream", "logs:PutLogEvents", "sqs:SendMessage", "kms:GenerateDataKey", "kms:Decrypt"]

    let moto: MotoServer
    init() throws { moto = try MotoServer.get() }

    static func statements(ofFunction function: String) throws -> [PolicyStatement] {
        let resources = try TemplateTests.resources()
        let properties = try #require(resources[function]?["Properties"] as? [String: Any])
        let roleName = try #require(((properties["Role"] as? [String: Any])?["Fn::GetAtt"] as? [String])?.first, "\(function) names its role")
        return PolicyStatement.of(role: try #require(resources[roleName]))
    }

    /// The IAM action a recorded request needs: the service from its signature's scope, the operation
    /// from X-Amz-Target or the query's Action. SNS PublishBatch is authorised by sns:Publish.
    static func iamAction(_ attempt: FaultServer.Attempt) -> String? {
        let authorization = attempt.headers["authorization"] ?? ""
        guard let scope = authorization.split(separator: "Credential=").last?.split(separator: ",").first?.split(separator: "/"), scope.count >= 5 else { return nil }
        let service = String(scope[3])
        let operation: String
        if let target = attempt.headers["x-amz-target"], let dot = target.lastIndex(of: ".") {
            operation = String(target[target.index(after: dot)...])
        } else if let action = attempt.body.split(separator: "&").first(where: { $0.hasPrefix("Action=") }) {
            operation = String(action.dropFirst("Action=".count))
        } else {
            return nil
        }
        if operation == "PublishBatch" && service == "sns" { return "sns:Publish" }
        // CloudWatch signs as `monitoring`; IAM names its actions `cloudwatch:`.
        return "\(service == "monitoring" ? "cloudwatch" : service):\(operation)"
    }

    /// moto names PublishBatch's permission sns:PublishBatch, where IAM uses sns:Publish; and it takes
    /// an action's service from the signature's scope, so CloudWatch's are `monitoring:` there.
    static func motoActions(_ actions: Set<String>) -> [String] {
        var moto = actions.contains("sns:Publish") ? actions.union(["sns:PublishBatch"]) : actions
        for action in actions where action.hasPrefix("cloudwatch:") { moto.insert("monitoring:" + action.dropFirst("cloudwatch:".count)) }
        return moto.sorted()
    }

    /// The actions no local peer can deny: the Price List peer checks signatures, not IAM (moto,
    /// which does, has no Price List API). Their use is still seen and compared with the grants.
    static let unenforced: Set<String> = ["pricing:GetProducts"]

    struct Run {
        let served: RuntimeEmulator.Served
        let initError: RuntimeEmulator.InitError?
        let used: Set<String>
        var everything: String { ([served.stderr, initError?.body ?? ""] + served.results.map(\.body)).joined(separator: "\n") }
        var deniedSomewhere: Bool { ["AccessDenied", "UnauthorizedOperation", "not authorized"].contains { everything.contains($0) } }
    }

    /// A scenario's events and settings, made afresh for each run (a table of its own), so that a
    /// run without an action meets the same calls as the run with all of them.
    typealias Scenario = () throws -> (events: [String], settings: [String: String])

    func run(_ product: String, actions: Set<String>, region: String, scenario: Scenario) throws -> Run {
        let (events, settings) = try scenario()
        let proxy = try FaultServer(upstream: "127.0.0.1:\(moto.peer.port)")
        // Every instance looks seven hours old to the functions, which keep their own clock.
        try proxy.age(seconds: 7 * 3600)
        let sink = try FaultServer()
        try sink.setDefault(["status": 200, "body": "ok"])
        let parameter = "/instance-watch/" + MotoServer.uniqueName("webhook")
        try moto.fixture(["op": "put_parameter", "name": parameter, "value": "\(sink.endpoint)/services/T0/B0/X", "type": "SecureString", "region": region])
        let pricing = try PricingPeer()
        var environment = try moto.roleEnvironment(actions: Self.motoActions(actions), region: region).merging([
            "AWS_ENDPOINT_URL": proxy.endpoint, "SLACK_WEBHOOK_PARAMETER": parameter, "AWS_ENDPOINT_URL_PRICING": pricing.endpoint,
        ]) { $1 }.merging(settings) { $1 }
        try pricing.accept(AWSCredentials(accessKeyId: environment["AWS_ACCESS_KEY_ID"]!, secretAccessKey: environment["AWS_SECRET_ACCESS_KEY"]!))
        try pricing.price("m5.large", in: region, usd: "0.0960000000")
        if !actions.contains("pricing:GetProducts") { environment["AWS_ENDPOINT_URL_PRICING"] = nil }
        let emulator = try RuntimeEmulator(timeoutMilliseconds: 10_000)
        let served = try emulator.serve(product, events: events, environment: environment)
        let priced: Set<String> = try pricing.requests().isEmpty ? [] : ["pricing:GetProducts"]
        return Run(served: served, initError: try emulator.initError(), used: Set(try proxy.attempts().compactMap(Self.iamAction)).union(priced))
    }

    /// Runs the scenarios with the role's actions, checks the comparison, then takes each action away.
    func audit(function: String, product: String, region: String, scenario: Scenario) throws {
        let statements = try Self.statements(ofFunction: function)
        let granted = Set(statements.flatMap(\.actions))
        let full = try run(product, actions: granted, region: region, scenario: scenario)
        #expect(full.initError == nil && !full.served.results.isEmpty && full.served.results.allSatisfy { $0.kind == "response" },
                "\(function) runs with exactly its role's actions\n\(full.everything.suffix(3_000))")
        #expect(!full.deniedSomewhere, "\(full.everything.suffix(3_000))")
        #expect(PolicyStatement.problems(statements, used: full.used, lambdaSide: Self.lambdaSide).isEmpty,
                "\(function): \(PolicyStatement.problems(statements, used: full.used, lambdaSide: Self.lambdaSide)); calls seen: \(full.used.sorted())")
        print("least-privilege \(function): calls seen \(full.used.sorted())")
        for action in full.used.subtracting(Self.unenforced).sorted() {
            let without = try run(product, actions: granted.subtracting([action]), region: region, scenario: scenario)
            #expect(without.deniedSomewhere, "\(function) without \(action) should meet a denial: \(without.everything.suffix(1_500))")
        }
    }

    @Test("the checker finds a wildcard action, a needless resource wildcard, a missing and an unused permission")
    func checkerCanFail() {
        let bad = [
            PolicyStatement(actions: ["dynamodb:*"], resources: ["arn:aws:dynamodb:eu-west-1:123456789012:table/t"]),
            PolicyStatement(actions: ["sns:Publish"], resources: ["*"]),
            PolicyStatement(actions: ["ec2:DescribeInstances"], resources: ["*"]),
            PolicyStatement(actions: ["ec2:TerminateInstances"], resources: ["arn:aws:ec2:*:*:instance/*"]),
            PolicyStatement(actions: ["sts:AssumeRole"], resources: [["Fn::Sub": "arn:${AWS::Partition}:iam::*:role/reader"]]),
            PolicyStatement(actions: ["sts:AssumeRole"], resources: ["arn:aws:iam::*:role/other"], conditionKeys: ["aws:ResourceOrgID"]),
        ]
        let problems = PolicyStatement.problems(bad, used: ["sns:Publish", "ec2:DescribeInstances", "ssm:GetParameter", "sts:AssumeRole"],
                                                lambdaSide: Self.lambdaSide)
        #expect(problems.filter { $0 == "wildcard resource for sts:AssumeRole" }.count == 1, "an open account part needs an organisation or account condition")
        let stops = [
            PolicyStatement(actions: ["ec2:StopInstances"], resources: ["arn:aws:ec2:*:123456789012:instance/*"]),
            PolicyStatement(actions: ["ec2:StopInstances"], resources: ["arn:aws:ec2:*:123456789012:instance/*"], conditionKeys: [PolicyStatement.stopTagKey]),
        ]
        #expect(PolicyStatement.problems(stops, used: ["ec2:StopInstances"], lambdaSide: []) == ["wildcard resource for ec2:StopInstances"],
                "stopping any instance is too wide; only those with the opt-in tag")
        #expect(problems.contains("wildcard action dynamodb:*"))
        #expect(problems.contains("wildcard resource for sns:Publish"))
        #expect(!problems.contains("wildcard resource for ec2:DescribeInstances"))
        #expect(problems.contains("missing permission ssm:GetParameter"))
        #expect(problems.contains("unused permission ec2:TerminateInstances"))
    }

    /// A member account with the role the template's MemberRoleName names, allowed what
    /// member-template.yaml allows it.
    func member() throws -> String {
        let account = MotoServer.uniqueAccount()
        try moto.memberRole(account: account, name: "instance-watch-reader", actions: ["ec2:DescribeInstances", "ec2:DescribeSpotPriceHistory", "monitoring:GetMetricData"])
        return account
    }

    @Test("StateChangeFunction: UpdateItem, PutItem, DescribeInstances, AssumeRole and GetParameter, each needed, nothing else")
    func stateChangeFunction() throws {
        let id = try moto.launch(tags: ["Name": "iam-test"], spot: true).id
        let member = try member()
        let memberId = try moto.launch(account: member, tags: ["Name": "iam-member"], spot: true).id
        let credited = try moto.launch(tags: ["Name": "iam-credited"]).id
        let started = UTCDateTime(year: 2026, month: 11, day: 21, hour: 8)
        try audit(function: "StateChangeFunction", product: "StateChangeHandler", region: moto.region) {
            let table = MotoServer.uniqueName("iam"), ledger = MotoServer.uniqueName("iam-ledger")
            try moto.fixture(["op": "create_table", "name": table, "key": "instance_id"])
            try moto.fixture(["op": "create_table", "name": ledger, "key": "instance_id", "sort": "stopped_at"])
            // An instance alerted about an hour before someone stops it: the stop is a ledger item
            // (PutItem), and its next start closes it (UpdateItem on the ledger).
            try moto.fixture(["op": "put_items", "table": table, "items": [[
                "instance_id": credited, "state": "running", "start_time": started.extendedISO8601, "stop_time": "",
                "last_event_time": started.extendedISO8601, "alerted_at": UTCDateTime(epochSeconds: started.epochSeconds + 3600).extendedISO8601,
            ]]])
            return ([try TestEvents.sample("state-change-running.json", instanceId: id), try TestEvents.sample("spot-interruption-warning.json", instanceId: id),
                     try TestEvents.sample("spot-interruption-warning.json", instanceId: memberId).replacing("123456789012", with: member),
                     TestEvents.stateChange(credited, "stopping", at: UTCDateTime(epochSeconds: started.epochSeconds + 7200), region: moto.region),
                     TestEvents.stateChange(credited, "running", at: UTCDateTime(epochSeconds: started.epochSeconds + 9000), region: moto.region)],
                    ["TABLE_NAME": table, "LEDGER_TABLE_NAME": ledger, "MEMBER_ROLE_NAME": "instance-watch-reader"])
        }
    }

    @Test("UptimeCheckerFunction: Scan, BatchGetItem, UpdateItem, PutItem, DescribeInstances, DescribeSpotPriceHistory, GetMetricData, StopInstances, AssumeRole, Publish, GetParameter, SendEmail, SendRawEmail and GetProducts, each needed, nothing else")
    func uptimeCheckerFunction() throws {
        // DescribeSpotPriceHistory is only needed where moto has a Spot price for the instance.
        let region = MotoServer.privateRegion(offering: ["t3.micro", "m5.large"])
        let otherRegion = MotoServer.memberRegion
        let topicArn = try #require(try moto.fixture(["op": "create_topic", "name": MotoServer.uniqueName("alerts"), "region": region])["arn"] as? String)
        _ = try moto.launch(region: region, type: "m5.large")
        // An owner tag holding an address: with SES_FROM_ADDRESS, its alert goes there too (SendEmail).
        let sender = "iam-\(MotoServer.uniqueName("sender"))@example.com"
        try moto.fixture(["op": "ses_verify", "address": sender, "region": region])
        _ = try moto.launch(region: region, tags: ["owner": "alice@example.com"])
        let member = try member()
        let memberRestarted = try moto.launch(region: otherRegion, account: member)
        let tick = TestEvents.tick(at: AgingProxy.now, region: region)
        try audit(function: "UptimeCheckerFunction", product: "UptimeChecker", region: region) {
            // The instance is missing from the table (a repair: UpdateItem) and overdue (a claim, an
            // e-mail, a Slack post); a record of an instance EC2 no longer knows is looked up by id; a
            // member's instance runs where only the table names its account and region, and its
            // stopped record is read by key (BatchGetItem) through the member role (AssumeRole).
            let table = MotoServer.uniqueName("iam")
            // A Spot instance that asked to be stopped after an hour, new for each run, idle by
            // CloudWatch's figures (GetMetricData): a run stops it.
            let idle = try moto.launch(region: region, tags: [UptimePolicy.stopAfterTag: "1h"], spot: true).id
            try moto.fixture(["op": "instance_metrics", "id": idle, "hours": 7, "cpu": 0.5, "network_bytes_per_hour": 0, "region": region])
            try moto.fixture(["op": "create_table", "name": table, "key": "instance_id", "region": region])
            // The savings ledger, which the weekly report reads (Scan) and keeps its summary in (PutItem).
            let ledger = MotoServer.uniqueName("iam-ledger")
            try moto.fixture(["op": "create_table", "name": ledger, "key": "instance_id", "sort": "stopped_at", "region": region])
            try moto.fixture(["op": "put_items", "table": table, "region": region, "items": [[
                "instance_id": "i-0ffffffffffffffff", "state": "running", "start_time": "2026-11-21T01:00:00Z", "stop_time": "",
                "last_event_time": "2026-11-21T01:00:00Z", "region": region, "account": "123456789012",
            ], [
                "instance_id": memberRestarted.id, "state": "stopped", "start_time": "2026-11-21T01:00:00Z", "stop_time": "2026-11-21T02:00:00Z",
                "last_event_time": "2026-11-21T02:00:00Z", "region": otherRegion, "account": member,
            ]]])
            // An on-demand m5.large is priced from the Price List, the Spot one from EC2; the Spot one
            // asked to be stopped after an hour (StopInstances).
            // Then the weekly report: alice@example.com's part by SES with its chart inline (SendRawEmail).
            return ([tick, #"{"report": "weekly"}"#], ["TABLE_NAME": table, "LEDGER_TABLE_NAME": ledger, "TOPIC_ARN": topicArn, "NOTIFY_INTERVAL": "1h", "MEMBER_ROLE_NAME": "instance-watch-reader",
                             "AUTO_STOP": "on", "SES_FROM_ADDRESS": sender, "SES_ALLOWED_DOMAINS": "example.com"])
        }
    }

    @Test("SlackActionFunction: GetParameter, BatchGetItem, UpdateItem, DescribeInstances, StopInstances and AssumeRole, each needed, nothing else")
    func slackActionFunction() throws {
        let region = MotoServer.privateRegion()
        let account = "123456789012"
        let member = MotoServer.uniqueAccount()
        // What member-template.yaml's SlackStopRole allows (AllowSlackStop=true).
        try moto.memberRole(account: member, name: "instance-watch-reader-slack-stop", actions: ["ec2:DescribeInstances", "ec2:StopInstances"])
        let secret = "least-privilege-signing-secret"
        let responses = try FaultServer()
        try responses.setDefault(["status": 200, "body": "ok"])
        try audit(function: "SlackActionFunction", product: "SlackActionHandler", region: region) {
            // Three clicks on alerts of recorded, running instances: Snooze (read and write the
            // record), Stop now here (EC2 re-described, stopped, noted), and Stop now in a member
            // account (through its Slack stop role). Fresh instances and table for each run.
            let table = MotoServer.uniqueName("iam")
            try moto.fixture(["op": "create_table", "name": table, "key": "instance_id", "region": region])
            let parameter = "/instance-watch/" + MotoServer.uniqueName("signing-secret")
            try moto.fixture(["op": "put_parameter", "name": parameter, "value": secret, "type": "SecureString", "region": region])
            let snoozed = try moto.launch(region: region).id
            let stopped = try moto.launch(region: region).id
            let memberStopped = try moto.launch(region: region, account: member).id
            let now = UTCDateTime(Date()).extendedISO8601
            try moto.fixture(["op": "put_items", "table": table, "region": region, "items": [
                (snoozed, account), (stopped, account), (memberStopped, member),
            ].map { id, owner in
                ["instance_id": id, "state": "running", "start_time": now, "stop_time": "", "last_event_time": now, "region": region, "account": owner]
            }])
            let clicks = try [(SlackButtonAction.snoozeDay, snoozed, account), (.stopNow, stopped, account), (.stopNow, memberStopped, member)].map { action, id, owner in
                let value = SlackButtonValue(instanceId: id, account: owner, region: region, runStartedAt: UTCDateTime.parse(now)?.epochSeconds).encoded
                let body = try SlackClick.body(action.rawValue, value: value, responseURL: "\(responses.endpoint)/response/\(id)")
                return try SlackClick.functionURLEvent(body: body, secret: secret)
            }
            return (clicks, ["TABLE_NAME": table, "SLACK_SIGNING_SECRET_PARAMETER": parameter, "SLACK_STOP": "on",
                             "MEMBER_ROLE_NAME": "instance-watch-reader"])
        }
    }
}
