import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Support

/// Policies per account and OU, end to end: the UptimeChecker executable against moto's
/// Organizations (an OU, an OU nested in it, accounts made and moved by Organizations), member
/// accounts whose stop roles carry the member template's own statements (iam_conditions.py
/// evaluates their tag conditions, which moto does not), and the policies document in SSM.
@Suite("Policies by account and OU, end to end")
struct PoliciesTests {
    static let central = "123456789012"
    static let readerRole = "instance-watch-reader"
    /// One region for the suite: each test's instances live in accounts of its own (made in its
    /// init), and the central account has none here, so the tests never see each other's.
    static let region = MotoServer.privateRegion(offering: ["t3.micro"])

    let fixture: CheckerFixture
    var moto: MotoServer { fixture.moto }
    let sandbox: String, team: String
    /// sandboxAccount sits in sandbox and allows policy stops; teamAccount sits in team (in sandbox)
    /// and does not; prodAccount and plainAccount sit under the root.
    let sandboxAccount: String, teamAccount: String, prodAccount: String, plainAccount: String
    let organizationRole: String
    let parameter = "/instance-watch/policies-\(UUID().uuidString.prefix(8))"

    init() throws {
        fixture = try CheckerFixture(region: Self.region, shared: false, name: "policies")
        let moto = fixture.moto
        func made(_ command: [String: Any]) throws -> String {
            let answer = try moto.fixture(command)
            return try #require(answer["id"] as? String, "\(answer)")
        }
        sandbox = try made(["op": "organization_unit", "name": MotoServer.uniqueName("sandbox"), "parent": NSNull()])
        team = try made(["op": "organization_unit", "name": MotoServer.uniqueName("team"), "parent": sandbox])
        sandboxAccount = try made(["op": "organization_account", "name": MotoServer.uniqueName("sandbox-account"), "parent": sandbox])
        teamAccount = try made(["op": "organization_account", "name": MotoServer.uniqueName("team-account"), "parent": team])
        prodAccount = try made(["op": "organization_account", "name": MotoServer.uniqueName("prod-account"), "parent": NSNull()])
        plainAccount = try made(["op": "organization_account", "name": MotoServer.uniqueName("plain-account"), "parent": NSNull()])
        for account in [sandboxAccount, teamAccount, prodAccount, plainAccount] {
            try moto.memberRole(account: account, name: Self.readerRole, actions: ["ec2:DescribeInstances", "monitoring:GetMetricData"])
        }
        // The stop roles as the member template makes them, with and without AllowPolicyStops.
        try moto.fixture(["op": "member_role", "account": sandboxAccount, "name": "\(Self.readerRole)-stop", "statements": try Self.stopRoleStatements(allowPolicyStops: true)])
        try moto.fixture(["op": "member_role", "account": teamAccount, "name": "\(Self.readerRole)-stop", "statements": try Self.stopRoleStatements(allowPolicyStops: false)])
        organizationRole = MotoServer.uniqueName("org-reader")
        try moto.memberRole(account: Self.central, name: organizationRole, actions: ["organizations:ListParents", "organizations:DescribeOrganizationalUnit"])
    }

    /// The member template's StopRole statements, its AllowPolicyStops condition decided.
    static func stopRoleStatements(allowPolicyStops: Bool) throws -> [[String: Any]] {
        let role = try #require(try TemplateTests.resources(TemplateTests.memberTemplate)["StopRole"])
        let policies = try #require((role["Properties"] as? [String: Any])?["Policies"] as? [[String: Any]])
        let statements = try #require((policies.first?["PolicyDocument"] as? [String: Any])?["Statement"] as? [Any])
        let decided = statements.compactMap { entry -> [String: Any]? in
            guard let statement = entry as? [String: Any] else { return nil }
            guard let branches = statement["Fn::If"] as? [Any] else { return statement }
            #expect(branches.first as? String == "AllowsPolicyStops")
            return allowPolicyStops ? branches[1] as? [String: Any] : nil
        }
        #expect(decided.count == (allowPolicyStops ? 3 : 2))
        return decided
    }

    var document: String {
        """
        {"default": {"threshold": "6h"},
         "organizationalUnits": {"\(sandbox)": {"threshold": "8h", "autoStop": "on", "stopAfter": "12h"},
                                 "\(team)": {"threshold": "10h"}},
         "accounts": {"\(prodAccount)": {"threshold": "off"}}}
        """
    }

    func settings(_ extra: [String: String] = [:]) throws -> [String: String] {
        try fixture.fixture(["op": "put_parameter", "name": parameter, "value": document])
        return [
            "POLICIES_PARAMETER": parameter, "ORGANIZATION_ROLE_ARN": "arn:aws:iam::\(Self.central):role/\(organizationRole)",
            "MEMBER_ROLE_NAME": Self.readerRole, "WATCHED_ACCOUNTS": [sandboxAccount, teamAccount, prodAccount, plainAccount].joined(separator: ","),
            "AUTO_STOP_REQUIRE_IDLE": "false", "PRICING": "off", "SLACK_WEBHOOK_URL": "",
        ].merging(extra) { $1 }
    }

    func alert(_ id: String) throws -> String {
        let messages = try fixture.fixture(["op": "sns_messages", "topic": fixture.topicArn])["messages"] as? [[String: Any]] ?? []
        return messages.compactMap { $0["message"] as? String }.last { $0.contains(id) } ?? ""
    }

    @Test("each instance judged by the right rule and named in its alert; an OU policy stops an untagged instance where the member allows policy stops, and only there")
    func rules() throws {
        let stopped = try moto.launch(region: fixture.region, account: sandboxAccount, tags: ["Name": "sandbox-untagged"])
        let held = try moto.launch(region: fixture.region, account: teamAccount, tags: ["Name": "team-untagged"])
        let database = try moto.launch(region: fixture.region, account: prodAccount, tags: ["Name": "prod-db"])
        let tagged = try moto.launch(region: fixture.region, account: prodAccount, tags: ["Name": "prod-tagged", "instance-watch:max-uptime": "1h"])
        let plain = try moto.launch(region: fixture.region, account: plainAccount, tags: ["Name": "plain"])
        try fixture.ec2.age(13 * 3600)

        let run = try fixture.check(try settings())
        #expect(run.status == 0, run.summary)
        #expect(Set(run.ids("overdueInstanceIds")) == [stopped.id, held.id, tagged.id, plain.id], run.summary)
        let policy = run.result["policy"] as? [String: String] ?? [:]
        #expect(policy == [stopped.id: "ou:\(sandbox)", held.id: "ou:\(team)", tagged.id: "tag", plain.id: "default"], run.summary)
        #expect(!run.ids("overdueInstanceIds").contains(database.id), "the prod account's threshold is off")
        #expect((run.result["problems"] as? [String] ?? []).isEmpty, run.summary)

        // The sandbox OU's stopAfter stops the untagged instance in the member that allows it…
        #expect(run.ids("stopped") == [stopped.id], run.summary)
        // …and, in the nested OU's member without AllowPolicyStops, holds it back: a line, not a failed stop.
        let heldBack = run.ids("heldBack").joined(separator: "\n")
        #expect(heldBack.contains(held.id) && heldBack.contains("AllowPolicyStops") && heldBack.contains("ou:\(sandbox)"), run.summary)
        let states = try moto.fixture(["op": "instance_states", "ids": [held.id], "region": fixture.region, "account": teamAccount])["states"] as? [String: String] ?? [:]
        #expect(states[held.id] == "running", "\(states)")
        let sandboxStates = try moto.fixture(["op": "instance_states", "ids": [stopped.id], "region": fixture.region, "account": sandboxAccount])["states"] as? [String: String] ?? [:]
        #expect(["stopping", "stopped"].contains(sandboxStates[stopped.id] ?? ""), "\(sandboxStates)")

        // Each alert names its policy.
        let heldAlert = try alert(held.id), stoppedAlert = try alert(stopped.id), plainAlert = try alert(plain.id), taggedAlert = try alert(tagged.id)
        #expect(heldAlert.contains("10h (policy ou:\(team))") && heldAlert.contains("held back"), "\(heldAlert)")
        #expect(stoppedAlert.contains("policy ou:\(sandbox)") && stoppedAlert.contains("Stopped by instance-watch"), "\(stoppedAlert)")
        #expect(plainAlert.contains("6h (policy default)"), "\(plainAlert)")
        #expect(taggedAlert.contains("tag instance-watch:max-uptime"), "\(taggedAlert)")
    }

    @Test("Organizations unreachable: alerts still go out by account and default policies, the run says so, and no stop is made on an OU rule it could not read")
    func organizationsDown() throws {
        let sandboxed = try moto.launch(region: fixture.region, account: sandboxAccount, tags: ["Name": "sandbox-untagged"])
        let database = try moto.launch(region: fixture.region, account: prodAccount, tags: ["Name": "prod-db"])
        try fixture.ec2.age(13 * 3600)
        let down = try FaultServer()
        try down.setDefault(["status": 400, "body": #"{"__type": "AccessDeniedException", "message": "You don't have permissions to access this resource."}"#])
        let run = try fixture.check(try settings(["AWS_ENDPOINT_URL_ORGANIZATIONS": down.endpoint]))
        #expect(run.status == 0, run.summary)
        #expect(run.ids("overdueInstanceIds") == [sandboxed.id], run.summary)
        #expect((run.result["policy"] as? [String: String])?[sandboxed.id] == "default", run.summary)
        let problems = (run.result["problems"] as? [String] ?? []).joined(separator: "\n")
        #expect(problems.contains("OU membership could not be read") && problems.contains("AccessDeniedException"), run.summary)
        #expect(run.ids("stopped").isEmpty, run.summary)
        let sandboxedAlert = try alert(sandboxed.id)
        #expect(sandboxedAlert.contains("6h (policy default)"), "\(sandboxedAlert)")
        _ = database
    }

    @Test("a malformed document is refused at start with its place; OU policies without ORGANIZATION_ROLE_ARN too")
    func malformed() throws {
        for (text, place) in [(#"{"default": {"stopAfer": "12h"}}"#, "at default.stopAfer: unknown key"),
                              (#"{"default": {"threshold": "6 hours"}}"#, "at default.threshold: expected off or"),
                              (#"{"organizationalUnits": {"sandbox": {}}}"#, "at organizationalUnits.sandbox: expected an OU id")] {
            try fixture.fixture(["op": "put_parameter", "name": parameter, "value": text])
            let run = try fixture.check(["POLICIES_PARAMETER": parameter])
            #expect(run.status != 0 && run.stderr.contains("POLICIES_PARAMETER=\"\(parameter)\"") && run.stderr.contains(place), "\(run.stderr.suffix(1_000))")
        }
        try fixture.fixture(["op": "put_parameter", "name": parameter, "value": document])
        let unset = try fixture.check(["POLICIES_PARAMETER": parameter])
        #expect(unset.status != 0 && unset.stderr.contains("ORGANIZATION_ROLE_ARN"), "\(unset.stderr.suffix(1_000))")
    }

    @Test("least privilege: the organisation role's calls are ListParents and DescribeOrganizationalUnit, and each one taken away breaks the run")
    func organizationRoleCalls() throws {
        let nested = try moto.launch(region: fixture.region, account: teamAccount, tags: ["Name": "team-untagged"])
        try fixture.ec2.age(11 * 3600)
        let run = try fixture.check(try settings())
        #expect((run.result["policy"] as? [String: String])?[nested.id] == "ou:\(team)", run.summary)
        for missing in ["organizations:ListParents", "organizations:DescribeOrganizationalUnit"] {
            try moto.memberRole(account: Self.central, name: organizationRole,
                                actions: ["organizations:ListParents", "organizations:DescribeOrganizationalUnit"].filter { $0 != missing })
            let without = try fixture.check(try settings())
            let problems = (without.result["problems"] as? [String] ?? []).joined(separator: "\n")
            #expect(problems.contains("could not be read"), "without \(missing): \(without.summary)")
            #expect((without.result["policy"] as? [String: String])?[nested.id] == "default", "without \(missing): \(without.summary)")
        }
        try moto.memberRole(account: Self.central, name: organizationRole, actions: ["organizations:ListParents", "organizations:DescribeOrganizationalUnit"])
    }
}
