import FoundationEssentials
import CurlHTTP
import Support

/// A message to publish to an SNS topic.
public struct SNSMessage: Sendable, Equatable {
    public var subject: String?
    public var body: String
    /// Message attributes (subscribers' filter policies match on them).
    public var attributes: [String: AttributeValue]

    /// A message attribute's value: SNS's `String`, or `String.Array` (a filter policy matches when
    /// any element does).
    public enum AttributeValue: Sendable, Equatable {
        case string(String)
        case stringArray([String])
    }

    public init(subject: String? = nil, body: String, attributes: [String: AttributeValue] = [:]) {
        self.subject = subject
        self.body = body
        self.attributes = attributes
    }

    /// With string attributes only.
    public init(subject: String? = nil, body: String, attributes: [String: String]) {
        self.init(subject: subject, body: body, attributes: attributes.mapValues { .string($0) })
    }
}

/// What `publishBatch` did: the message id of each entry that went out, and why each other one did not.
public struct SNSBatchResult: Sendable, Equatable {
    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        public let id: String
        public let code: String
        public let message: String
        public let senderFault: Bool
        public var description: String { "entry \(id): \(code)\(message.isEmpty ? "" : " (\(message))")" }
    }

    public var messageIds: [String: String] = [:]
    public var failures: [Failure] = []
}

/// SNS over its query protocol (version 2010-03-31), answers in XML.
public final class SNSClient {
    public static let maximumBatchEntries = 10
    private let aws: AWSClient

    public init(aws: AWSClient) {
        self.aws = aws
    }

    /// Publishes one message and returns its message id.
    public func publish(topicArn: String, _ message: SNSMessage, deadline: Date? = nil) throws(AWSClientError) -> String {
        var parameters = [("TopicArn", topicArn), ("Message", message.body)]
        if let subject = message.subject { parameters.append(("Subject", subject)) }
        parameters += Self.attributeParameters(message.attributes, prefix: "MessageAttributes")
        let answer = try aws.callQuery(.sns, action: "Publish", version: "2010-03-31", parameters: parameters, deadline: deadline)
        guard let id = answer.firstDescendant("MessageId")?.text, !id.isEmpty else {
            throw .malformedResponse(service: .sns, operation: "Publish", reason: "no MessageId in the answer")
        }
        return id
    }

    /// Publishes entries (id → message) in calls of at most ten, as SNS allows. Entries SNS refused
    /// are named in `failures`; a call that fails as a whole throws.
    public func publishBatch(topicArn: String, _ entries: [(id: String, message: SNSMessage)], deadline: Date? = nil) throws(AWSClientError) -> SNSBatchResult {
        let ids = entries.map(\.id)
        guard Set(ids).count == ids.count else {
            throw .invalidRequest(service: .sns, operation: "PublishBatch", reason: "entry ids must be unique within a batch")
        }
        var result = SNSBatchResult()
        var start = 0
        while start < entries.count {
            let chunk = entries[start..<min(start + Self.maximumBatchEntries, entries.count)]
            start += chunk.count
            var parameters = [("TopicArn", topicArn)]
            for (index, entry) in chunk.enumerated() {
                let prefix = "PublishBatchRequestEntries.member.\(index + 1)"
                parameters.append(("\(prefix).Id", entry.id))
                parameters.append(("\(prefix).Message", entry.message.body))
                if let subject = entry.message.subject { parameters.append(("\(prefix).Subject", subject)) }
                parameters += Self.attributeParameters(entry.message.attributes, prefix: "\(prefix).MessageAttributes")
            }
            let answer = try aws.callQuery(.sns, action: "PublishBatch", version: "2010-03-31", parameters: parameters, deadline: deadline)
            for member in answer.firstDescendant("Successful")?.children("member") ?? [] {
                if let id = member.string("Id"), let messageId = member.string("MessageId") { result.messageIds[id] = messageId }
            }
            for member in answer.firstDescendant("Failed")?.children("member") ?? [] {
                result.failures.append(SNSBatchResult.Failure(
                    id: member.string("Id") ?? "?", code: member.string("Code") ?? "Unknown",
                    message: member.string("Message") ?? "", senderFault: member.string("SenderFault") == "true"
                ))
            }
        }
        return result
    }

    /// `MessageAttributes.entry.N.Name`, `.Value.DataType`, `.Value.StringValue`, in name order. A
    /// `String.Array` travels as a JSON array in `StringValue`, as SNS defines it.
    static func attributeParameters(_ attributes: [String: SNSMessage.AttributeValue], prefix: String) -> [(String, String)] {
        attributes.sorted { $0.key < $1.key }.enumerated().flatMap { index, attribute in
            let entry = "\(prefix).entry.\(index + 1)"
            let (type, value): (String, String)
            switch attribute.value {
            case .string(let text):
                (type, value) = ("String", text)
            case .stringArray(let texts):
                var writer = JSONWriter(capacity: 64)
                writer.beginArray()
                for text in texts { writer.string(text) }
                writer.endArray()
                (type, value) = ("String.Array", writer.text)
            }
            return [("\(entry).Name", attribute.key), ("\(entry).Value.DataType", type), ("\(entry).Value.StringValue", value)]
        }
    }
}
