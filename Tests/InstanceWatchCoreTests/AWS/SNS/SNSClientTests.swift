import Foundation
import Testing
@testable import InstanceWatchCore
@testable import Lambda
@testable import AWS
@testable import CurlHTTP
@testable import Support

@Suite("SNS client against moto")
struct SNSClientTests {
    let moto: MotoServer
    let sns: SNSClient

    init() throws {
        moto = try MotoServer.get()
        sns = SNSClient(aws: try moto.awsClient())
    }

    func createTopic(_ name: String = MotoServer.uniqueName("alerts")) throws -> String {
        try #require(try moto.fixture(["op": "create_topic", "name": name])["arn"] as? String)
    }

    func sentMessages(to topic: String) throws -> [[String: Any]] {
        let all = try moto.fixture(["op": "sns_messages", "topic": topic])["messages"] as? [[String: Any]] ?? []
        return all.filter { $0["topic"] as? String == topic }
    }

    @Test("Publish with a Subject and message attributes returns the message id")
    func publish() throws {
        let topic = try createTopic()
        let message = SNSMessage(subject: "i-0abc (web) running 7h", body: "Instance i-0abc has been running for 7h.\nSecond line & ünïcode",
                                 attributes: ["instanceId": "i-0abc", "kind": "uptime"])
        let id = try sns.publish(topicArn: topic, message)
        #expect(!id.isEmpty)
        let sent = try sentMessages(to: topic)
        try #require(sent.count == 1)
        #expect(sent[0]["id"] as? String == id)
        #expect(sent[0]["subject"] as? String == message.subject)
        #expect(sent[0]["message"] as? String == message.body)
        let attributes = sent[0]["attributes"] as? [String: [String: String]] ?? [:]
        #expect(attributes["instanceId"]?["Value"] == "i-0abc")
    }

    @Test("PublishBatch sends 12 entries in calls of at most 10 and returns each message id")
    func publishBatch() throws {
        let topic = try createTopic()
        let entries = (1...12).map { (id: "entry-\($0)", message: SNSMessage(subject: "s\($0)", body: "message \($0)")) }
        let result = try sns.publishBatch(topicArn: topic, entries)
        #expect(result.failures.isEmpty)
        #expect(Set(result.messageIds.keys) == Set(entries.map(\.id)))
        #expect(try sentMessages(to: topic).count == 12)
    }

    @Test("a partial failure names the failed entries and keeps the others' message ids")
    func partialFailure() throws {
        // SNS refuses a message over 256 KB entry by entry, not the whole batch.
        let topic = try createTopic()
        let result = try sns.publishBatch(topicArn: topic, [
            (id: "small", message: SNSMessage(body: "fine")),
            (id: "too-big", message: SNSMessage(body: String(repeating: "x", count: 262_145))),
        ])
        #expect(Array(result.messageIds.keys) == ["small"])
        #expect(result.failures.map(\.id) == ["too-big"])
        #expect(result.failures.first?.code == "InvalidParameter")
        #expect(result.failures.first?.senderFault == true)
        #expect(try sentMessages(to: topic).count == 1)
    }

    @Test("duplicate entry ids are refused before anything is sent")
    func duplicateIds() throws {
        let topic = try createTopic()
        #expect {
            _ = try sns.publishBatch(topicArn: topic, [(id: "same", message: SNSMessage(body: "1")), (id: "same", message: SNSMessage(body: "2"))])
        } throws: { error in
            guard case AWSClientError.invalidRequest = error else { return false }
            return true
        }
        #expect(try sentMessages(to: topic).isEmpty)
    }

    @Test("publishing to a topic that does not exist is a NotFound error from SNS's XML")
    func missingTopic() throws {
        #expect {
            _ = try sns.publish(topicArn: "arn:aws:sns:eu-west-1:123456789012:nope", SNSMessage(body: "x"))
        } throws: { error in
            guard let serviceError = (error as? AWSClientError)?.serviceError else { return false }
            return serviceError.service == .sns && serviceError.code == "NotFound" && serviceError.status == 404
        }
    }

    @Test("a wrong secret key is rejected, and the error says so")
    func wrongSecretKey() throws {
        let topic = try createTopic()
        let client = SNSClient(aws: try moto.awsClient(credentials: AWSCredentials(accessKeyId: moto.credentials.accessKeyId, secretAccessKey: "wrong")))
        #expect {
            _ = try client.publish(topicArn: topic, SNSMessage(body: "x"))
        } throws: { error in
            (error as? AWSClientError)?.serviceError?.code == "SignatureDoesNotMatch"
        }
    }
}
