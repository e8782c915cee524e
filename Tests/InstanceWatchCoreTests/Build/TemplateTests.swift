import Foundation
import Testing
@testable import InstanceWatchCore
@testable import UptimeChecking
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// `template.yaml` (the central stack) and `member-template.yaml` through the tools a user deploys
/// with: cfn-lint, `sam validate --lint` and `sam build` (offline, no Docker), from the environment
/// `make test` prepares; and their structure against the design.
@Suite("SAM template")
struct TemplateTests {
    static let template = TestPaths.repositoryRoot.appendingPathComponent("template.yaml").path
    static let memberTemplate = TestPaths.repositoryRoot.appendingPathComponent("member-template.yaml").path
    /// Both templates, by file name (the tests' arguments).
    static let templateNames: [String] = ["template.yaml", "member-template.yaml"]

    static func path(_ name: String) -> String { TestPaths.repositoryRoot.appendingPathComponent(name).path }
    static let tools = TestPaths.tools
    /// This process's environment (sam build runs make and swift) with the tools first on PATH and
    /// no telemetry: the tools must work without a network.
    static let environment = ProcessInfo.processInfo.environment.merging([
        "PATH": "\(tools.path):" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"), "SAM_CLI_TELEMETRY": "0",
    ]) { $1 }

    static func tool(_ name: String) throws -> String {
        let path = tools.appendingPathComponent(name).path
        try #require(FileManager.default.isExecutableFile(atPath: path), "\(name) is not in \(tools.path): run `make test`, which installs it")
        return path
    }

    /// A template as JSON (intrinsics in long form), read by cfn-lint's decoder.
    static func json(_ path: String = template) throws -> [String: Any] {
        let run = try runCommand(try tool("python"), [TestPaths.peers.appendingPathComponent("template_json.py").path, path])
        try #require(run.status == 0, "\(run.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    static func resources(_ path: String = template) throws -> [String: [String: Any]] {
        try #require(try json(path)["Resources"] as? [String: [String: Any]])
    }

    @Test("cfn-lint passes with nothing to report", arguments: templateNames)
    func cfnLint(_ name: String) throws {
        let run = try runCommand(try Self.tool("cfn-lint"), [Self.path(name)], environment: Self.environment)
        #expect(run.status == 0, "cfn-lint: \(run.stdout)\(run.stderr)")
        #expect(run.stdout.isEmpty, "cfn-lint reported: \(run.stdout)")
    }

    @Test("sam validate --lint accepts it", arguments: templateNames)
    func samValidate(_ name: String) throws {
        let run = try runCommand(try Self.tool("sam"), ["validate", "--lint", "--template", Self.path(name), "--region", "eu-west-1"], environment: Self.environment)
        #expect(run.status == 0 && run.stdout.contains("is a valid SAM Template"), "\(run.stdout)\(run.stderr)")
    }

    @Test("sam build runs the Makefile's build targets and leaves one static bootstrap per function")
    func samBuild() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("sam-build-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: output) }
        // `swift test` keeps .build locked while the tests run; the Makefile's swift build must not wait for it.
        let environment = Self.environment.merging(["SWIFT_LOCK_FLAGS": "--ignore-lock"]) { $1 }
        let run = try runCommand(try Self.tool("sam"), ["build", "--template", Self.template, "--build-dir", output.path], environment: environment,
                                 workingDirectory: TestPaths.repositoryRoot)
        #expect(run.status == 0 && run.stdout.contains("Build Succeeded"), "\(run.stdout)\(run.stderr)")
        for function in ["StateChangeFunction", "UptimeCheckerFunction"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent(function).path)
            #expect(files == ["bootstrap"], "\(function): \(files)")
            let headers = try runCommand("readelf", ["--program-headers", "--dynamic", output.appendingPathComponent("\(function)/bootstrap").path])
            #expect(!headers.stdout.contains("INTERP") && !headers.stdout.contains("(NEEDED)"), "\(function)/bootstrap is static")
        }
    }

    @Test("the functions of the design, built with the Makefile, on provided.al2023")
    func functions() throws {
        let template = try Self.json()
        let resources = try Self.resources()
        let globals = try #require((template["Globals"] as? [String: Any])?["Function"] as? [String: Any])
        #expect(globals["Runtime"] as? String == "provided.al2023")
        for name in ["StateChangeFunction", "UptimeCheckerFunction"] {
            let function = try #require(resources[name])
            #expect(function["Type"] as? String == "AWS::Serverless::Function")
            #expect((function["Metadata"] as? [String: Any])?["BuildMethod"] as? String == "makefile")
            let properties = try #require(function["Properties"] as? [String: Any])
            let events = try #require(properties["Events"] as? [String: [String: Any]])
            for (eventName, event) in events {
                let eventProperties = try #require(event["Properties"] as? [String: Any])
                #expect(eventProperties["RetryPolicy"] != nil, "\(name).\(eventName) has no retry policy")
                #expect(eventProperties["DeadLetterConfig"] != nil, "\(name).\(eventName) has no dead-letter queue")
            }
            let onFailure = ((properties["EventInvokeConfig"] as? [String: Any])?["DestinationConfig"] as? [String: Any])?["OnFailure"] as? [String: Any]
            #expect(onFailure?["Type"] as? String == "SQS", "\(name): failed invocations must land in the dead-letter queue")
        }
    }

    @Test("the table: on demand, TTL on expires_at, point-in-time recovery, named by a parameter defaulting to the design's")
    func table() throws {
        let template = try Self.json()
        let table = try #require(try Self.resources()["InstanceTable"]?["Properties"] as? [String: Any])
        #expect(table["BillingMode"] as? String == "PAY_PER_REQUEST")
        #expect((table["TimeToLiveSpecification"] as? [String: Any])?["AttributeName"] as? String == "expires_at")
        #expect((table["PointInTimeRecoverySpecification"] as? [String: Any])?["PointInTimeRecoveryEnabled"] as? Bool == true)
        #expect((table["TableName"] as? [String: Any])?["Ref"] as? String == "TableName")
        let parameter = try #require((template["Parameters"] as? [String: [String: Any]])?["TableName"])
        #expect(parameter["Default"] as? String == "instance_operating_time_table")
    }

    @Test("no IAM statement allows a wildcard action; a wildcard resource only where IAM takes nothing else, or held by a condition", arguments: templateNames)
    func noWildcards(_ file: String) throws {
        // Which actions each function needs is LeastPrivilegeTests' part; here, the shape of every role.
        for (name, resource) in try Self.resources(Self.path(file)) where resource["Type"] as? String == "AWS::IAM::Role" {
            let statements = PolicyStatement.of(role: resource)
            #expect(!statements.isEmpty)
            let problems = PolicyStatement.problems(statements, used: Set(statements.flatMap(\.actions)), lambdaSide: [])
            #expect(problems.isEmpty, "\(name): \(problems)")
        }
    }

    @Test("five alarms on the watcher itself, to the operations topic (the alert topic by default); a missing heartbeat alarms; so does any failed stop, and a failed Slack click")
    func alarms() throws {
        let resources = try Self.resources()
        let alarms = resources.filter { $0.value["Type"] as? String == "AWS::CloudWatch::Alarm" }
        #expect(Set(alarms.keys) == ["FunctionErrorsAlarm", "DeadLetterAlarm", "HeartbeatAlarm", "StopFailuresAlarm", "SlackActionErrorsAlarm"])
        #expect(alarms["SlackActionErrorsAlarm"]?["Condition"] as? String == "TakesSlackActions")
        let stops = try #require(alarms["StopFailuresAlarm"])
        #expect(stops["Condition"] as? String == "StopsInstances")
        let stopProperties = try #require(stops["Properties"] as? [String: Any])
        #expect(stopProperties["Namespace"] as? String == "InstanceWatch" && stopProperties["MetricName"] as? String == UptimeCheckHandler.Metric.stopFailures)
        #expect(stopProperties["Threshold"] as? Int == 1 && stopProperties["ComparisonOperator"] as? String == "GreaterThanOrEqualToThreshold")
        let operationsTopic: [String: Any] = ["Fn::If": ["HasOperationsTopic", ["Ref": "OperationsTopicArn"], ["Ref": "AlertTopic"]]]
        for (name, alarm) in alarms {
            let properties = try #require(alarm["Properties"] as? [String: Any])
            for actions in ["AlarmActions", "OKActions"] {
                let targets = try #require(properties[actions] as? [Any], "\(name) has no \(actions)")
                #expect(targets.count == 1 && NSDictionary(dictionary: targets[0] as? [String: Any] ?? [:]).isEqual(to: operationsTopic),
                        "\(name).\(actions) goes to the operations topic: \(targets)")
            }
        }
        let errors = try #require(alarms["FunctionErrorsAlarm"]?["Properties"] as? [String: Any])
        let watched = (errors["Metrics"] as? [[String: Any]] ?? []).compactMap { query -> String? in
            let metric = (query["MetricStat"] as? [String: Any])?["Metric"] as? [String: Any]
            guard metric?["MetricName"] as? String == "Errors", metric?["Namespace"] as? String == "AWS/Lambda" else { return nil }
            return ((metric?["Dimensions"] as? [[String: Any]])?.first?["Value"] as? [String: Any])?["Ref"] as? String
        }
        #expect(Set(watched) == ["StateChangeFunction", "UptimeCheckerFunction"], "errors of either function")

        let deadLetters = try #require(alarms["DeadLetterAlarm"]?["Properties"] as? [String: Any])
        #expect(deadLetters["MetricName"] as? String == "ApproximateNumberOfMessagesVisible" && deadLetters["Threshold"] as? Int == 1)
        #expect(((deadLetters["Dimensions"] as? [[String: Any]])?.first?["Value"] as? [String: Any])?["Fn::GetAtt"] as? [String] == ["DeadLetterQueue", "QueueName"])

        let heartbeat = try #require(alarms["HeartbeatAlarm"]?["Properties"] as? [String: Any])
        #expect(heartbeat["Namespace"] as? String == "InstanceWatch" && heartbeat["MetricName"] as? String == UptimeCheckHandler.Metric.checksCompleted)
        #expect(heartbeat["TreatMissingData"] as? String == "breaching", "no heartbeat at all is an alarm, not silence")
        #expect(heartbeat["EvaluationPeriods"] as? Int == 2 && heartbeat["ComparisonOperator"] as? String == "LessThanThreshold")
        // The alarm's period and the schedule come from the same mapping entry.
        let period = try #require(heartbeat["Period"] as? [String: Any])
        #expect((period["Fn::FindInMap"] as? [Any])?.first as? String == "CheckIntervals")
        let intervals = try #require((try Self.json()["Mappings"] as? [String: Any])?["CheckIntervals"] as? [String: [String: Any]])
        for (minutes, entry) in intervals {
            #expect(entry["Seconds"] as? Int == Int(minutes)! * 60, "\(minutes) minutes")
            let schedule = try #require(entry["Schedule"] as? String)
            let parts = schedule.dropFirst("rate(".count).dropLast().split(separator: " ")
            let unit: Int = switch parts.last { case "minute", "minutes": 60; case "hour", "hours": 3600; default: 86_400 }
            #expect(Int(parts[0])! * unit == Int(minutes)! * 60, "\(schedule) is every \(minutes) minutes")
        }
    }

    /// `{"Fn::Sub": text}` as the text, for comparing ARNs written with Fn::Sub.
    static func sub(_ value: Any?) -> String? { (value as? [String: Any])?["Fn::Sub"] as? String }

    @Test("member template: one rule forwarding exactly the three EC2 detail-types to the central bus, a role that may only put events there, a reader role trusted by the two central function roles only that cannot stop, and a stop role trusted by the checker's role alone, a Slack stop role trusted by the SlackActionFunction's alone")
    func memberTemplate() throws {
        let resources = try Self.resources(Self.memberTemplate)
        #expect(Set(resources.map { "\($0.key):\($0.value["Type"] as? String ?? "")" }) == [
            "ForwardRule:AWS::Events::Rule", "ForwardingRole:AWS::IAM::Role", "MemberRole:AWS::IAM::Role", "StopRole:AWS::IAM::Role",
            "SlackStopRole:AWS::IAM::Role",
        ])
        let slackStop = try #require(resources["SlackStopRole"]?["Properties"] as? [String: Any])
        let slackTrust = "\(slackStop["AssumeRolePolicyDocument"] ?? "")"
        #expect(slackTrust.contains("CentralSlackActionRoleArn") && !slackTrust.contains("CentralUptimeCheckerRoleArn") && !slackTrust.contains("CentralStateChangeRoleArn"))
        #expect(resources["SlackStopRole"]?["Condition"] as? String == "CreatesSlackStopRole")
        let centralBus = "arn:${AWS::Partition}:events:${CentralRegion}:${CentralAccountId}:event-bus/default"

        let rule = try #require(resources["ForwardRule"]?["Properties"] as? [String: Any])
        let pattern = try #require(rule["EventPattern"] as? [String: Any])
        #expect(Set(pattern.keys) == ["source", "detail-type"] && pattern["source"] as? [String] == ["aws.ec2"])
        #expect(Set(pattern["detail-type"] as? [String] ?? []) == [
            "EC2 Instance State-change Notification", "EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation",
        ] && (pattern["detail-type"] as? [String])?.count == 3)
        let targets = try #require(rule["Targets"] as? [[String: Any]])
        #expect(targets.count == 1 && Self.sub(targets[0]["Arn"]) == centralBus)
        #expect((targets[0]["RoleArn"] as? [String: Any])?["Fn::GetAtt"] as? [String] == ["ForwardingRole", "Arn"])

        let forwarding = try #require(resources["ForwardingRole"])
        let forwardingTrust = (((forwarding["Properties"] as? [String: Any])?["AssumeRolePolicyDocument"] as? [String: Any])?["Statement"] as? [[String: Any]]) ?? []
        #expect(forwardingTrust.count == 1 && (forwardingTrust[0]["Principal"] as? [String: Any])?["Service"] as? String == "events.amazonaws.com")
        let forwardingStatements = PolicyStatement.of(role: forwarding)
        #expect(forwardingStatements.count == 1 && forwardingStatements[0].actions == ["events:PutEvents"])
        #expect(forwardingStatements.first?.resources.count == 1 && Self.sub(forwardingStatements.first?.resources.first) == centralBus)

        let member = try #require(resources["MemberRole"])
        #expect(member["Condition"] as? String == "IsHomeRegion", "IAM is global: one region creates the role")
        let memberProperties = try #require(member["Properties"] as? [String: Any])
        #expect((memberProperties["RoleName"] as? [String: Any])?["Ref"] as? String == "MemberRoleName")
        let trust = (memberProperties["AssumeRolePolicyDocument"] as? [String: Any])?["Statement"] as? [[String: Any]] ?? []
        #expect(trust.count == 1 && trust[0]["Action"] as? String == "sts:AssumeRole")
        let trusted = ((trust.first?["Principal"] as? [String: Any])?["AWS"] as? [[String: Any]] ?? []).compactMap { $0["Ref"] as? String }
        #expect(trusted == ["CentralStateChangeRoleArn", "CentralUptimeCheckerRoleArn"] && (trust.first?["Principal"] as? [String: Any])?.count == 1,
                "trusted by the two central function roles, not by their account")
        let granted = Set(PolicyStatement.of(role: member).flatMap(\.actions))
        #expect(granted == ["ec2:DescribeInstances", "ec2:DescribeSpotPriceHistory", "cloudwatch:GetMetricData"], "the shared reading role can never stop: \(granted)")

        let stop = try #require(resources["StopRole"])
        #expect(stop["Condition"] as? String == "CreatesStopRole")
        let stopProperties = try #require(stop["Properties"] as? [String: Any])
        #expect(Self.sub(stopProperties["RoleName"]) == "${MemberRoleName}-stop")
        let stopTrust = (stopProperties["AssumeRolePolicyDocument"] as? [String: Any])?["Statement"] as? [[String: Any]] ?? []
        #expect(stopTrust.count == 1 && ((stopTrust.first?["Principal"] as? [String: Any])?["AWS"] as? [String: Any])?["Ref"] as? String == "CentralUptimeCheckerRoleArn",
                "trusted by the checker's role alone")
        let stopStatements = PolicyStatement.of(role: stop)
        #expect(Set(stopStatements.flatMap(\.actions)) == ["ec2:DescribeInstances", "ec2:StopInstances"])
        try Self.expectStopsOnlyOptedInUnmanaged(stopStatements, "member stop role")
    }

    /// StopInstances only on instances with the opt-in tag and none of the managers' tags.
    static func expectStopsOnlyOptedInUnmanaged(_ statements: [PolicyStatement], _ what: String) throws {
        let stop = try #require(statements.first { $0.actions.contains("ec2:StopInstances") }, "\(what) may stop")
        let null = try #require((stop.condition?["Null"] as? [String: Any]) as? [String: String], "\(what): a Null condition")
        #expect(null["ec2:ResourceTag/\(UptimePolicy.stopAfterTag)"] == "false", "\(what): only opted-in instances")
        // Every manager the code knows (Karpenter's and Cloud9's tags among them): IAM holds the line too.
        for tag in ManagedInstances.markers.map(\.tag) {
            #expect(null["ec2:ResourceTag/\(tag)"] == "true", "\(what): never an instance tagged \(tag)")
        }
    }

    @Test("the dashboard shows figures the functions write (each InstanceWatch metric one a handler emits) and their Lambda errors, in the stack's region")
    func dashboard() throws {
        let body = try #require(((try Self.resources()["Dashboard"]?["Properties"] as? [String: Any])?["DashboardBody"] as? [String: Any])?["Fn::Sub"] as? [Any])
        let text = try #require(body.first as? String)
        // The substitutions: ${Period} is a number, the others land inside strings.
        let filled = text.replacing("${Period}", with: "3600").replacing(/\$\{[A-Za-z:]+\}/, with: "x")
        let dashboard = try #require(try JSONSerialization.jsonObject(with: Data(filled.utf8)) as? [String: Any])
        let metrics = (dashboard["widgets"] as? [[String: Any]] ?? []).flatMap { (($0["properties"] as? [String: Any])?["metrics"] as? [[String]]) ?? [] }
        #expect(metrics.count >= 15)
        let emitted = Set(UptimeCheckHandler.metricNames + StateChangeEventHandler.metricNames)
        for metric in metrics {
            #expect(metric.count == 4 && metric[2] == "FunctionName", "\(metric)")
            #expect(metric[0] == "AWS/Lambda" ? metric[1] == "Errors" : metric[0] == "InstanceWatch" && emitted.contains(metric[1]), "\(metric) is not written by any function")
        }
        #expect(text.contains("\"region\": \"${AWS::Region}\""))
    }

    @Test("a stop without the opt-in tag only where AllowPolicyStops says so: in the member's stop role, and in the central checker's role for its own account; managers' instances never")
    func policyStops() throws {
        for (path, roleName, base) in [(Self.memberTemplate, "StopRole", ["AllowAutoStop": "true"]),
                                       (Self.template, "UptimeCheckerRole", ["PoliciesParameterName": "/instance-watch/policies"])] {
            let template = try Self.json(path)
            let role = try #require((template["Resources"] as? [String: [String: Any]])?[roleName])
            for allowed in [false, true] {
                let evaluated = try #require(try Self.decided(role, template, base.merging(["AllowPolicyStops": "\(allowed)"]) { $1 }) as? [String: Any])
                let stops = PolicyStatement.of(role: evaluated).filter { $0.actions.contains("ec2:StopInstances") }
                let untagged = stops.filter { !$0.conditionKeys.contains(PolicyStatement.stopTagKey) }
                #expect(untagged.count == (allowed ? 1 : 0) && stops.count == (allowed ? 2 : 1), "\(roleName), AllowPolicyStops=\(allowed)")
                for statement in untagged {
                    let null = (statement.condition?["Null"] as? [String: Any]) as? [String: String] ?? [:]
                    for tag in ManagedInstances.markers.map(\.tag) { #expect(null["ec2:ResourceTag/\(tag)"] == "true", "\(roleName): never an instance tagged \(tag)") }
                }
            }
        }
    }

    /// A resource with every `Fn::If` in it decided for `parameters` (and `AWS::NoValue` left out).
    static func decided(_ node: Any, _ template: [String: Any], _ parameters: [String: String]) throws -> Any? {
        if let object = node as? [String: Any] {
            if object.count == 1, let branches = object["Fn::If"] as? [Any], branches.count == 3, let name = branches[0] as? String {
                let holds = try evaluate(["Fn::If": [name, "yes", "no"]], template, parameters) as? String == "yes"
                return try decided(branches[holds ? 1 : 2], template, parameters)
            }
            if object.count == 1, object["Ref"] as? String == "AWS::NoValue" { return nil }
            var result: [String: Any] = [:]
            for (key, value) in object { result[key] = try decided(value, template, parameters) }
            return result
        }
        if let array = node as? [Any] { return try array.compactMap { try decided($0, template, parameters) } }
        return node
    }

    /// A template value with `parameters` overriding the defaults: `Ref` to a parameter, `Fn::If` on
    /// a condition (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`); nil for `AWS::NoValue`.
    static func evaluate(_ value: Any?, _ template: [String: Any], _ parameters: [String: String]) throws -> Any? {
        let declared = template["Parameters"] as? [String: [String: Any]] ?? [:]
        let conditions = template["Conditions"] as? [String: Any] ?? [:]
        func parameter(_ name: String) -> Any? {
            if name == "AWS::NoValue" { return nil }
            return parameters[name] ?? declared[name]?["Default"].map { "\($0)" }
        }
        func condition(_ name: String) throws -> Bool { try truth(conditions[name]) }
        func truth(_ node: Any?) throws -> Bool {
            guard let object = node as? [String: Any], let (key, argument) = object.first else { throw TemplateError("not a condition: \(node ?? "nil")") }
            let arguments = argument as? [Any] ?? []
            switch key {
            case "Fn::Equals": return "\(try resolve(arguments[0]) ?? "")" == "\(try resolve(arguments[1]) ?? "")"
            case "Fn::Not": return try !truth(arguments[0])
            case "Fn::And": return try arguments.allSatisfy { try truth($0) }
            case "Fn::Or": return try arguments.contains { try truth($0) }
            case "Condition": return try condition(argument as? String ?? "")
            default: throw TemplateError("unknown condition function \(key)")
            }
        }
        func resolve(_ node: Any?) throws -> Any? {
            guard let object = node as? [String: Any], object.count == 1, let (key, argument) = object.first else { return node.map { "\($0)" } }
            switch key {
            case "Ref": return parameter(argument as? String ?? "")
            case "Fn::If":
                let arguments = argument as? [Any] ?? []
                return try resolve(try condition(arguments[0] as? String ?? "") ? arguments[1] : arguments[2])
            default: return node
            }
        }
        return try resolve(value)
    }

    struct TemplateError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test("central template: the bus admits the organisation's (or the listed) accounts; both function roles may assume the member role name only, held to those accounts")
    func organisationWide() throws {
        let resources = try Self.resources()
        let organization = try #require(resources["OrganizationEventBusPolicy"])
        #expect(organization["Condition"] as? String == "HasOrganization")
        let statement = try #require((organization["Properties"] as? [String: Any])?["Statement"] as? [String: Any])
        #expect(statement["Action"] as? String == "events:PutEvents")
        #expect(((statement["Condition"] as? [String: Any])?["StringEquals"] as? [String: Any])?["aws:PrincipalOrgID"] != nil)
        let listed = try #require((resources["MemberAccountsEventBusPolicy"]?["Properties"] as? [String: Any])?["Statement"] as? [String: Any])
        #expect(((listed["Principal"] as? [String: Any])?["AWS"] as? [String: Any])?["Ref"] as? String == "MemberAccountIds")
        for policy in [statement, listed] {
            // Only EC2's three detail-types may be put on the bus: nothing else a member sends gets in.
            let equals = try #require((policy["Condition"] as? [String: Any])?["StringEquals"] as? [String: Any], "\(policy)")
            #expect(equals["events:source"] as? String == "aws.ec2")
            #expect(Set(equals["events:detail-type"] as? [String] ?? []) == [
                "EC2 Instance State-change Notification", "EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation",
            ])
        }
        for function in ["StateChangeFunction", "UptimeCheckerFunction"] {
            let all = try LeastPrivilegeTests.statements(ofFunction: function).filter { $0.actions.contains("sts:AssumeRole") }
            // The organisation role (OU policies) is one role, named by its ARN: no wildcard to hold.
            let organization = all.filter { ($0.resources.first as? [String: Any])?["Ref"] as? String == "OrganizationRoleArn" }
            #expect(organization.count == (function == "UptimeCheckerFunction" ? 1 : 0) && organization.allSatisfy { $0.actions == ["sts:AssumeRole"] }, "\(function)")
            let assume = all.filter { ($0.resources.first as? [String: Any])?["Ref"] == nil }
            let expected = function == "UptimeCheckerFunction"
                ? ["arn:${AWS::Partition}:iam::*:role/${MemberRoleName}", "arn:${AWS::Partition}:iam::*:role/${MemberRoleName}-stop"]
                : ["arn:${AWS::Partition}:iam::*:role/${MemberRoleName}"]
            #expect(assume.map { Self.sub($0.resources.first) } == expected, "\(function): those role names only (the stop role for the checker alone)")
            for statement in assume {
                #expect(statement.actions == ["sts:AssumeRole"] && statement.resources.count == 1, "\(function)")
                #expect(statement.conditionKeys == ["aws:ResourceOrgID", "aws:ResourceAccount"], "\(function): only in admitted accounts")
            }
        }
        try Self.expectStopsOnlyOptedInUnmanaged(try LeastPrivilegeTests.statements(ofFunction: "UptimeCheckerFunction"), "the checker's role")
        #expect(try LeastPrivilegeTests.statements(ofFunction: "StateChangeFunction").allSatisfy { !$0.actions.contains("ec2:StopInstances") })
        let encrypt = try #require(try LeastPrivilegeTests.statements(ofFunction: "UptimeCheckerFunction").first { $0.actions.contains("kms:GenerateDataKey") })
        #expect(((encrypt.condition?["StringEquals"] as? [String: Any])?["kms:ViaService"] as? [String: Any])?["Fn::Sub"] as? String == "sns.${AWS::Region}.amazonaws.com",
                "the topic key only through SNS")
        let globals = try #require(((try Self.json()["Globals"] as? [String: Any])?["Function"] as? [String: Any])?["Environment"] as? [String: Any])
        #expect((globals["Variables"] as? [String: Any])?["MEMBER_ROLE_NAME"] != nil)
    }
}

extension TemplateTests {
    @Test("the SlackActionFunction: a Function URL without auth (Slack's signature is checked in code), both invoke permissions, reserved concurrency, its own role and log group, the URL as an output; all only with a signing secret")
    func slackActionFunction() throws {
        let resources = try Self.resources()
        let function = try #require(resources["SlackActionFunction"])
        #expect(function["Condition"] as? String == "TakesSlackActions")
        let properties = try #require(function["Properties"] as? [String: Any])
        #expect((properties["FunctionUrlConfig"] as? [String: Any])?["AuthType"] as? String == "NONE")
        // The public endpoint's cap is its own: reserved with the StateChangeHandler's reservation
        // off (StateChangeConcurrency=0, which small accounts use), off only when asked for itself.
        let template = try Self.json()
        let reserved = properties["ReservedConcurrentExecutions"]
        #expect(try Self.evaluate(reserved, template, ["StateChangeConcurrency": "0"]) as? String == "5", "\(reserved ?? "")")
        #expect(try Self.evaluate(reserved, template, ["StateChangeConcurrency": "0", "SlackActionConcurrency": "3"]) as? String == "3")
        #expect(try Self.evaluate(reserved, template, ["SlackActionConcurrency": "0"]) == nil, "0 removes it, for this function alone")
        let permission = try #require(resources["SlackActionUrlInvokePermission"]?["Properties"] as? [String: Any])
        #expect(permission["Action"] as? String == "lambda:InvokeFunction" && permission["InvokedViaFunctionUrl"] as? Bool == true)
        let role = "\(resources["SlackActionRole"]?["Properties"] ?? "")"
        #expect(role.contains("ec2:StopInstances") && role.contains("aws:autoscaling:groupName") && role.contains("SlackSigningSecretParameterName"))
        #expect(!role.contains("ec2:TerminateInstances") && !role.contains("dynamodb:Scan"))
        #expect(resources["SlackActionLogGroup"] != nil)
    }

    @Test("the savings ledger: its own table keyed by instance and stop time, TTL on expires_at; the recorders may put and update items there, the checker also scan it; every function knows its name and CREDIT_WINDOW, the checker SAVINGS_CAP")
    func ledger() throws {
        let template = try Self.json()
        let resources = try Self.resources()
        let table = try #require(resources["LedgerTable"]?["Properties"] as? [String: Any])
        let keys = (table["KeySchema"] as? [[String: String]] ?? []).map { "\($0["AttributeName"] ?? "")/\($0["KeyType"] ?? "")" }
        #expect(keys == ["instance_id/HASH", "stopped_at/RANGE"])
        #expect((table["TimeToLiveSpecification"] as? [String: Any])?["AttributeName"] as? String == "expires_at")
        #expect((table["PointInTimeRecoverySpecification"] as? [String: Any])?["PointInTimeRecoveryEnabled"] as? Bool == true)
        let parameters = try #require(template["Parameters"] as? [String: [String: Any]])
        #expect(parameters["LedgerTableName"]?["Default"] as? String == "instance_watch_ledger")
        #expect(parameters["CreditWindow"]?["Default"] as? String == "24h" && parameters["SavingsCap"]?["Default"] as? String == "30d")
        func actions(onLedger role: String) throws -> Set<String> {
            Set(PolicyStatement.of(role: try #require(resources[role])).filter { "\($0.resources)".contains("LedgerTable") }.flatMap(\.actions))
        }
        #expect(try actions(onLedger: "StateChangeRole") == ["dynamodb:PutItem", "dynamodb:UpdateItem"])
        #expect(try actions(onLedger: "UptimeCheckerRole") == ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Scan"])
        let globals = "\(((template["Globals"] as? [String: Any])?["Function"] as? [String: Any])?["Environment"] ?? "")"
        #expect(globals.contains("LEDGER_TABLE_NAME") && globals.contains("CREDIT_WINDOW"))
        let checker = "\(resources["UptimeCheckerFunction"]?["Properties"] ?? "")"
        #expect(checker.contains("SAVINGS_CAP"))
    }

    @Test("memory: the checker 256 MB by default (CheckerMemorySize: a run with 17,000 overdue instances peaked at 117 MB), the other two the 128 MB of Globals")
    func memory() throws {
        let template = try Self.json()
        let resources = try Self.resources()
        let checker = try #require(resources["UptimeCheckerFunction"]?["Properties"] as? [String: Any])
        #expect((checker["MemorySize"] as? [String: Any])?["Ref"] as? String == "CheckerMemorySize")
        #expect((template["Parameters"] as? [String: [String: Any]])?["CheckerMemorySize"]?["Default"] as? Int == 256)
        #expect((((template["Globals"] as? [String: Any])?["Function"] as? [String: Any])?["MemorySize"]) as? Int == 128)
        for function in ["StateChangeFunction", "SlackActionFunction"] {
            #expect((resources[function]?["Properties"] as? [String: Any])?["MemorySize"] == nil, "\(function) keeps Globals' 128 MB")
        }
    }

    @Test("the weekly report: a schedule of its own (ReportSchedule, Mondays 08:00 UTC by default) sending {\"report\": \"weekly\"} to the checker; SES may send it raw, from the configured sender only")
    func weeklyReport() throws {
        let template = try Self.json()
        let events = try #require(((try Self.resources()["UptimeCheckerFunction"]?["Properties"] as? [String: Any])?["Events"]) as? [String: [String: Any]])
        let report = try #require(events["WeeklyReport"]?["Properties"] as? [String: Any])
        #expect((report["Schedule"] as? [String: Any])?["Ref"] as? String == "ReportSchedule")
        let input = try #require((report["Input"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: String])
        #expect(input == ["report": "weekly"])
        #expect((template["Parameters"] as? [String: [String: Any]])?["ReportSchedule"]?["Default"] as? String == "cron(0 8 ? * MON *)")
        let checker = "\(try Self.resources()["UptimeCheckerRole"]?["Properties"] ?? "")"
        #expect(checker.contains("ses:SendRawEmail"))
    }

    @Test("routing: both roles read the routes parameter; SES only from the configured sender")
    func routingPermissions() throws {
        let resources = try Self.resources()
        let checker = "\(resources["UptimeCheckerRole"]?["Properties"] ?? "")"
        let stateChange = "\(resources["StateChangeRole"]?["Properties"] ?? "")"
        #expect(checker.contains("RoutesParameterName") && stateChange.contains("RoutesParameterName"))
        #expect(checker.contains("ses:SendEmail") && checker.contains("ses:FromAddress") && !stateChange.contains("ses:SendEmail"))
    }
}
