import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("STS client against moto")
struct STSClientTests {
    let moto: MotoServer
    init() throws { moto = try MotoServer.get() }

    @Test("AssumeRole into a member account: credentials with a token and an expiry that act there, not in the central account")
    func assumeRole() throws {
        let member = MotoServer.uniqueAccount()
        try moto.memberRole(account: member, name: "instance-watch-reader", actions: ["ec2:DescribeInstances"])
        let memberInstance = try moto.launch(account: member).id
        let centralInstance = try moto.launch().id
        let now = Date()
        let assumed = try STSClient(aws: moto.awsClient()).assumeRole(
            roleArn: "arn:aws:iam::\(member):role/instance-watch-reader", sessionName: "test", durationSeconds: 900
        )
        #expect(assumed.credentials.sessionToken?.isEmpty == false)
        #expect(abs(Double(assumed.expiration.epochSeconds) - now.timeIntervalSince1970 - 900) < 120, "\(assumed.expiration)")
        #expect(!assumed.description.contains(assumed.credentials.secretAccessKey) && !assumed.description.contains(assumed.credentials.sessionToken!))

        let inMember = EC2Client(aws: try moto.awsClient(credentials: assumed.credentials))
        let seen = try inMember.describeInstances(filters: ["instance-state-name": ["running"]]).map(\.id)
        #expect(seen.contains(memberInstance) && !seen.contains(centralInstance), "member credentials see the member's instances only")
        #expect(try STSClient(aws: moto.awsClient(credentials: assumed.credentials)).callerIdentity().account == member)
    }

    @Test("GetCallerIdentity names the function's own account")
    func callerIdentity() throws {
        let identity = try STSClient(aws: moto.awsClient()).callerIdentity()
        #expect(identity.account == "123456789012" && identity.arn.hasSuffix(":user/instance-watch-test"))
    }

    @Test("a refused AssumeRole is STS's AccessDenied, read from its XML error, tried once")
    func refused() throws {
        let proxy = try FaultServer(upstream: "127.0.0.1:\(moto.peer.port)")
        try proxy.script([["when": "Action=AssumeRole", "status": 403, "body": Self.accessDenied]])
        let sts = STSClient(aws: try moto.awsClient(endpoint: proxy.endpoint))
        #expect {
            _ = try sts.assumeRole(roleArn: "arn:aws:iam::111111111111:role/instance-watch-reader", sessionName: "test")
        } throws: { error in
            guard case .service(let service, let attempts)? = error as? AWSClientError else { return false }
            return service.service == .sts && service.code == "AccessDenied" && attempts == 1
        }
        #expect(try proxy.attempts().count == 1)
    }

    static let accessDenied = """
        <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code>\
        <Message>User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized to perform: sts:AssumeRole</Message></Error>\
        <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>
        """
}
