import FoundationEssentials
import Lambda
import AWS
import CurlHTTP
import Support

/// Publishes alerts to the SNS topic; the seam tests use to see or fail what would be sent.
public protocol TopicPublishing {
    func publishBatch(topicArn: String, _ entries: [(id: String, message: SNSMessage)], deadline: Date?) throws(AWSClientError) -> SNSBatchResult
}

extension SNSClient: TopicPublishing {}
