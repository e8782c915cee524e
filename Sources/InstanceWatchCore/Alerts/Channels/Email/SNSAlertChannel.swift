import FoundationEssentials
import AWS

/// Alerts as e-mail through the SNS topic: each alert one message (published ten to a batch), a
/// digest one message.
public struct SNSAlertChannel: AlertChannel {
    public let name = "SNS"
    let publisher: any TopicPublishing
    let topicArn: String

    public init(publisher: any TopicPublishing, topicArn: String) {
        self.publisher = publisher
        self.topicArn = topicArn
    }

    public func send(each alerts: [Alert], deadline: Date) -> [AlertDeliveryFailure] {
        publish(alerts.map { (id: $0.instanceId, message: SNSMessage(subject: EmailAlert.subject($0), body: EmailAlert.body($0))) },
                ids: alerts.map(\.instanceId), deadline: deadline)
    }

    public func send(digest: AlertDigest, deadline: Date) -> AlertDeliveryFailure? {
        publish([(id: "digest", message: SNSMessage(subject: EmailAlert.subject(digest), body: EmailAlert.body(digest)))],
                ids: digest.alerts.map(\.instanceId), deadline: deadline).first
    }

    private func publish(_ entries: [(id: String, message: SNSMessage)], ids: [String], deadline: Date) -> [AlertDeliveryFailure] {
        do {
            let published = try publisher.publishBatch(topicArn: topicArn, entries, deadline: deadline)
            return entries.filter { published.messageIds[$0.id] == nil }.map { entry in
                let refusal = published.failures.first { $0.id == entry.id }
                let reason = refusal?.description ?? "entry \(entry.id): no message id in the answer"
                return AlertDeliveryFailure(instanceIds: entry.id == "digest" ? ids : [entry.id], description: "SNS did not take the alert: \(reason)",
                                            underlying: AlertRefused(description: reason))
            }
        } catch {
            return [AlertDeliveryFailure(instanceIds: ids, description: "SNS alert\(entries.count == 1 ? "" : "s") for \(AlertDeliveryFailure.listed(ids)) not published: \(error)",
                                         underlying: error)]
        }
    }
}
