import Foundation
import Synchronization
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("Member credentials: assumed once per account, renewed before they expire")
struct MemberCredentialsTests {
    /// Counts AssumeRole calls; answers credentials valid for an hour from the clock it is given.
    final class CountingSTS: RoleAssuming, @unchecked Sendable {
        let calls = Mutex<[String]>([])
        let now: @Sendable () -> Date
        var refuse: Set<String> = []
        init(now: @escaping @Sendable () -> Date) { self.now = now }

        func assumeRole(roleArn: String, sessionName: String, durationSeconds: Int, deadline: Date?) throws(AWSClientError) -> AssumedRoleCredentials {
            calls.withLock { $0.append(roleArn) }
            if refuse.contains(where: roleArn.contains) {
                throw .service(AWSServiceError(service: .sts, operation: "AssumeRole", status: 403, code: "AccessDenied", message: "no", requestId: nil), attempts: 1)
            }
            let expiry = UTCDateTime(epochSeconds: Int(now().timeIntervalSince1970) + durationSeconds)
            return AssumedRoleCredentials(credentials: AWSCredentials(accessKeyId: "ASIA\(calls.withLock { $0.count })", secretAccessKey: "s", sessionToken: "t"),
                                          expiration: expiry)
        }
    }

    final class Clock: @unchecked Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_764_633_600))
        func now() -> Date { time.withLock { $0 } }
        func advance(_ seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    @Test("100 uses of one account assume the role once; moved into the renewal window, once more")
    func cachedThenRenewed() throws {
        let clock = Clock()
        let sts = CountingSTS(now: clock.now)
        let members = MemberCredentials(roleName: "instance-watch-reader", sessionName: "instance-watch-test", clock: clock.now)
        for _ in 0..<100 {
            _ = try members.credentials(account: "111111111111", region: "eu-west-1", sts: sts, deadline: nil)
            clock.advance(30) // 50 minutes in all: still outside the last five
        }
        #expect(sts.calls.withLock { $0 } == ["arn:aws:iam::111111111111:role/instance-watch-reader"])
        clock.advance(Double(MemberCredentials.sessionSeconds - MemberCredentials.renewalWindow) - 100 * 30 + 1)
        let renewed = try members.credentials(account: "111111111111", region: "eu-west-1", sts: sts, deadline: nil)
        #expect(sts.calls.withLock { $0.count } == 2 && renewed.accessKeyId == "ASIA2")
    }

    @Test("accounts are apart; a refusal is remembered for the run only (one try per account per run); the partition follows the region")
    func perAccount() throws {
        let clock = Clock()
        let sts = CountingSTS(now: clock.now)
        sts.refuse = ["222222222222"]
        let members = MemberCredentials(roleName: "reader", sessionName: "instance-watch-test", clock: clock.now)
        _ = try members.credentials(account: "111111111111", region: "eu-west-1", sts: sts, deadline: nil)
        for region in ["eu-west-1", "us-east-1", "ap-south-1"] {
            #expect(throws: MemberAccessError.self) { try members.credentials(account: "222222222222", region: region, sts: sts, deadline: nil) }
        }
        #expect(sts.calls.withLock { $0.count } == 2, "the refused account is asked once in a run, whatever its regions")
        members.forgetFailures() // the next run
        #expect(throws: MemberAccessError.self) { try members.credentials(account: "222222222222", region: "eu-west-1", sts: sts, deadline: nil) }
        #expect(sts.calls.withLock { $0.count } == 3, "and once more in the next run: the role may be deployed by then")
        #expect(members.roleArn(account: "333333333333", region: "cn-north-1") == "arn:aws-cn:iam::333333333333:role/reader")
        #expect(members.roleArn(account: "333333333333", region: "us-gov-west-1") == "arn:aws-us-gov:iam::333333333333:role/reader")
    }

    @Test("eight threads asking for one account at once make one AssumeRole")
    func concurrent() throws {
        let clock = Clock()
        let sts = CountingSTS(now: clock.now)
        let members = MemberCredentials(roleName: "reader", sessionName: "instance-watch-test", clock: clock.now)
        let keys = WorkerPool.map(Array(0..<64), workers: 8, makeState: { () }) { _, _ in
            (try? members.credentials(account: "111111111111", region: "eu-west-1", sts: sts, deadline: nil))?.accessKeyId
        }
        #expect(Set(keys) == ["ASIA1"] && sts.calls.withLock { $0.count } == 1)
    }

    @Test("against moto's STS: the real call once for many uses, again inside the renewal window")
    func againstMoto() throws {
        let moto = try MotoServer.get()
        let member = MotoServer.uniqueAccount()
        try moto.memberRole(account: member, name: "instance-watch-reader", actions: ["ec2:DescribeInstances"])
        let proxy = try FaultServer(upstream: "127.0.0.1:\(moto.peer.port)")
        let sts = STSClient(aws: try moto.awsClient(endpoint: proxy.endpoint))
        let clock = Clock()
        clock.time.withLock { $0 = Date() }
        let members = MemberCredentials(roleName: "instance-watch-reader", sessionName: "instance-watch-test", clock: clock.now)
        var first: AWSCredentials?
        for _ in 0..<100 {
            first = try members.credentials(account: member, region: "eu-west-1", sts: sts, deadline: nil)
        }
        let assumeCalls = { try proxy.attempts().filter { $0.body.contains("Action=AssumeRole") }.count }
        #expect(try assumeCalls() == 1)
        clock.advance(Double(MemberCredentials.sessionSeconds - MemberCredentials.renewalWindow + 1))
        let second = try members.credentials(account: member, region: "eu-west-1", sts: sts, deadline: nil)
        #expect(try assumeCalls() == 2 && second.accessKeyId != first?.accessKeyId)
        #expect(try EC2Client(aws: moto.awsClient(credentials: second)).describeInstances(filters: ["instance-state-name": ["running"]]).isEmpty)
    }
}
