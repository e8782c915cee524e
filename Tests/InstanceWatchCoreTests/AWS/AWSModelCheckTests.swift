import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

/// The requests every end-to-end test sends reach moto through AWS's own API models
/// (`Tests/Peers/aws_model_check.py`, botocore's service definitions): moto forgives malformed
/// requests, the check refuses them as AWS does. These send malformed requests on purpose, through
/// the product's own signed client, and expect the refusal to name what is wrong. Their User-Agent
/// marks them, so that `make test`'s report does not count these refusals as the product's.
@Suite("AWS API models: moto's requests held to botocore's service definitions")
struct AWSModelCheckTests {
    let moto: MotoServer
    let aws: AWSClient

    init() throws {
        moto = try MotoServer.get()
        var configuration = CurlHTTPClient.Configuration.fromEnvironment(ProcessInfo.processInfo.environment)
        configuration.userAgent = "instance-watch-model-check-probe"
        aws = try moto.awsClient(http: CurlHTTPClient(configuration: configuration))
    }

    func refusal(_ call: () throws -> Void) -> String {
        do {
            try call()
            return "(accepted)"
        } catch {
            return "\(error)"
        }
    }

    func query(_ service: AWSService, _ action: String, version: String, _ parameters: [(String, String)]) -> String {
        refusal { _ = try aws.callQuery(service, action: action, version: version, parameters: parameters, deadline: nil) }
    }

    func json(_ operation: String, _ body: String, prefix: String = "DynamoDB_20120810", version: String = "1.0") -> String {
        refusal { _ = try aws.callJSONBody(.dynamoDB, targetPrefix: prefix, jsonVersion: version, operation: operation, body: Data(body.utf8), deadline: nil) }
    }

    @Test("EC2: Filters.1.Name (for Filter.1.Name) is an unknown parameter; list indices start at 1; a missing InstanceIds is named")
    func ec2() {
        let misspelt = query(.ec2, "DescribeInstances", version: "2016-11-15", [("Filters.1.Name", "instance-state-name"), ("Filters.1.Value.1", "running")])
        #expect(misspelt.contains("UnknownParameter") && misspelt.contains("Filters.1.Name"), "\(misspelt)")
        let gap = query(.ec2, "DescribeInstances", version: "2016-11-15", [("Filter.2.Name", "instance-state-name"), ("Filter.2.Value.1", "running")])
        #expect(gap.contains("list indices"), "\(gap)")
        let missing = query(.ec2, "StopInstances", version: "2016-11-15", [])
        #expect(missing.contains("Missing required parameter") && missing.contains("InstanceIds"), "\(missing)")
        let wrongVersion = query(.ec2, "DescribeInstances", version: "2015-11-15", [])
        #expect(wrongVersion.contains("Version 2015-11-15"), "\(wrongVersion)")
        let notANumber = query(.ec2, "DescribeInstances", version: "2016-11-15", [("MaxResults", "ten")])
        #expect(notANumber.contains("MaxResults") && notANumber.contains("integer"), "\(notANumber)")
        // The right spelling passes, through the same client: the check is not refusing everything.
        let right = query(.ec2, "DescribeInstances", version: "2016-11-15", [("Filter.1.Name", "instance-state-name"), ("Filter.1.Value.1", "running")])
        #expect(right == "(accepted)")
    }

    @Test("SNS: a PublishBatch entry without its Message, and an unknown action, are refused by name")
    func sns() {
        let missing = query(.sns, "PublishBatch", version: "2010-03-31", [
            ("TopicArn", "arn:aws:sns:eu-west-1:123456789012:nobody"), ("PublishBatchRequestEntries.member.1.Id", "a"),
        ])
        #expect(missing.contains("PublishBatchRequestEntries[0]") && missing.contains("Message"), "\(missing)")
        let flattened = query(.sns, "PublishBatch", version: "2010-03-31", [
            ("TopicArn", "arn:aws:sns:eu-west-1:123456789012:nobody"), ("PublishBatchRequestEntries.1.Id", "a"), ("PublishBatchRequestEntries.1.Message", "m"),
        ])
        #expect(flattened.contains("PublishBatchRequestEntries.1.Id"), "\(flattened)")
        let unknown = query(.sns, "PublishEverything", version: "2010-03-31", [])
        #expect(unknown.contains("PublishEverything"), "\(unknown)")
    }

    @Test("DynamoDB: an UpdateItem without Key, an unknown member, a ReturnValues outside its enum and a wrong target are refused by name")
    func dynamoDB() {
        let missing = json("UpdateItem", #"{"TableName": "t", "UpdateExpression": "SET a = :a", "ExpressionAttributeValues": {":a": {"S": "x"}}}"#)
        #expect(missing.contains("Missing required parameter") && missing.contains("Key"), "\(missing)")
        let unknown = json("Scan", #"{"TableName": "t", "Limitt": 10}"#)
        #expect(unknown.contains("Limitt"), "\(unknown)")
        let enumValue = json("UpdateItem", #"{"TableName": "t", "Key": {"instance_id": {"S": "i-1"}}, "ReturnValues": "EVERYTHING"}"#)
        #expect(enumValue.contains("ReturnValues") && enumValue.contains("EVERYTHING"), "\(enumValue)")
        let wrongType = json("Scan", #"{"TableName": "t", "Limit": "10"}"#)
        #expect(wrongType.contains("Limit"), "\(wrongType)")
        let target = json("Scan", #"{"TableName": "t"}"#, prefix: "DynamoDB_20111205")
        #expect(target.contains("X-Amz-Target"), "\(target)")
        let contentType = json("Scan", #"{"TableName": "t"}"#, version: "1.1")
        #expect(contentType.contains("application/x-amz-json-1.0"), "\(contentType)")
    }

    @Test("the product's requests so far were checked, operation by operation, and none of them refused")
    func counts() throws {
        // One request of each kind the product sends, through its own clients, so that this test
        // does not depend on which suites ran before it.
        _ = try STSClient(aws: try moto.awsClient()).callerIdentity(deadline: nil)
        let answer = try moto.fixture(["op": "model_checks"])
        let checked = try #require(answer["checked"] as? [String: Int])
        #expect((checked["sts:GetCallerIdentity"] ?? 0) >= 1, "\(checked)")
        let refusals = (answer["refusals"] as? [[String: Any]] ?? []).filter {
            let agent = $0["userAgent"] as? String ?? ""
            return agent.hasPrefix("instance-watch/")
        }
        #expect(refusals.isEmpty, "the product sent requests AWS would refuse: \(refusals)")
    }
}
