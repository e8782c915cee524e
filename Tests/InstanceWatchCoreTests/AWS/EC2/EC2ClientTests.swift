import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("EC2 client against moto")
struct EC2ClientTests {
    let moto: MotoServer
    let ec2: EC2Client

    init() throws {
        moto = try MotoServer.get()
        ec2 = EC2Client(aws: try moto.awsClient())
    }

    func run(_ count: Int, tags: [String: String] = [:], spot: Bool = false) throws -> [String] {
        try #require(try moto.fixture(["op": "run_instances", "count": count, "tags": tags, "spot": spot])["ids"] as? [String])
    }

    @Test("by id: state, type, zone, private IP, launch time, lifecycle and tags")
    func byId() throws {
        let marker = MotoServer.uniqueName("web")
        let onDemand = try run(1, tags: ["Name": marker, "instance-watch:max-uptime": "12h"])[0]
        let spot = try run(1, tags: ["Name": marker + "-spot"], spot: true)[0]
        let instances = try ec2.describeInstances(ids: [onDemand, spot])
        #expect(Set(instances.map(\.id)) == [onDemand, spot])
        let first = try #require(instances.first { $0.id == onDemand })
        #expect(first.state == "running")
        #expect(first.type == "t3.micro")
        #expect(first.availabilityZone?.hasPrefix("eu-west-1") == true)
        #expect(first.privateIPAddress?.split(separator: ".").count == 4)
        #expect(first.launchTime.flatMap(UTCDateTime.parse) != nil)
        #expect(first.name == marker)
        #expect(first.tags["instance-watch:max-uptime"] == "12h")
        #expect(!first.isSpot)
        #expect(instances.first { $0.id == spot }?.isSpot == true)
    }

    @Test("by filter, following NextToken across pages")
    func byFilterAcrossPages() throws {
        let marker = MotoServer.uniqueName("fleet")
        let ids = try run(12, tags: ["Name": marker])
        try moto.fixture(["op": "stop_instances", "ids": [ids[0]]])
        let running = try ec2.describeInstances(filters: ["instance-state-name": ["running"], "tag:Name": [marker]], pageSize: 5)
        #expect(Set(running.map(\.id)) == Set(ids.dropFirst()))
        let stopped = try ec2.describeInstances(filters: ["instance-state-name": ["stopped", "stopping"], "tag:Name": [marker]])
        #expect(stopped.map(\.id) == [ids[0]])
    }

    @Test("an unknown instance id is recognisable as InvalidInstanceID.NotFound")
    func unknownInstance() throws {
        #expect {
            _ = try ec2.describeInstances(ids: ["i-0123456789abcdef0"])
        } throws: { error in
            guard case AWSClientError.service(let serviceError, let attempts) = error else { return false }
            return serviceError.isInstanceNotFound && attempts == 1 && serviceError.requestId != nil
        }
    }

    @Test("a wrong secret key is rejected with AuthFailure")
    func wrongSecretKey() throws {
        let client = EC2Client(aws: try moto.awsClient(credentials: AWSCredentials(accessKeyId: moto.credentials.accessKeyId, secretAccessKey: "wrong")))
        #expect {
            _ = try client.describeInstances(filters: ["instance-state-name": ["running"]])
        } throws: { error in
            guard let serviceError = (error as? AWSClientError)?.serviceError else { return false }
            return serviceError.code == "AuthFailure" && serviceError.isAuthenticationFailure
        }
    }
}
