import FoundationEssentials
import AWS

/// Alerts as e-mail through the SNS topic: each alert one message (published ten to a batch), a
/// digest one message. Every message carries the attributes `owner`, `account`, `region` and `kind`
/// (docs/configuration.md, "Routing"), so each team can subscribe with a filter policy on its owner.
public struct SNSAlertChannel: AlertChannel {
    public let name = "SNS"
    package let publisher: any TopicPublishing
    package let topicArn: String

    public init(publisher: any TopicPublishing, topicArn: String) {
        self.publisher = publisher
        self.topicArn = topicArn
    }

    public func send(each alerts: [Alert], deadline: Date) -> [AlertDeliveryFailure] {
        publish(alerts.map { (id: $0.instanceId, message: SNSMessage(subject: EmailAlert.subject($0), body: EmailAlert.body($0), attributes: Self.attributes($0))) },
                ids: alerts.map(\.instanceId), deadline: deadline)
    }

    public func send(digest: AlertDigest, deadline: Date) -> AlertDeliveryFailure? {
        publish([(id: "digest", message: SNSMessage(subject: EmailAlert.subject(digest), body: EmailAlert.body(digest), attributes: Self.attributes(digest)))],
                ids: digest.alerts.map(\.instanceId), deadline: deadline).first
    }

    /// The topic gets every alert with its owner: a summary of what went where would only repeat it.
    public func send(note: AlertNote, deadline: Date) -> AlertDeliveryFailure? { nil }

    /// The owner's value when nothing names one, so that a filter policy can ask for it too.
    public static let unowned = "unowned"
    /// The account's value when it is not known (a record from before organisation-wide mode).
    public static let unknownAccount = "unknown"

    static func attributes(_ alert: Alert) -> [String: SNSMessage.AttributeValue] {
        [
            // Lower case, as owners compare: a filter on "payments" also takes an instance tagged PAYMENTS.
            "owner": .string(alert.owner?.lowercased() ?? unowned), "account": .string(alert.account ?? unknownAccount),
            "region": .string(alert.region), "kind": .string(alert.kind.rawValue), "instance": .string(alert.instanceId),
        ]
    }

    /// A digest holds one owner's alerts (the router sends one per owner), over several accounts,
    /// regions and kinds: those are lists, which a filter policy matches when any element does.
    static func attributes(_ digest: AlertDigest) -> [String: SNSMessage.AttributeValue] {
        func distinct(_ values: [String]) -> [String] {
            var seen = Set<String>()
            return values.filter { seen.insert($0).inserted }
        }
        return [
            "owner": .string(digest.owner?.lowercased() ?? unowned),
            "account": .stringArray(distinct(digest.alerts.map { $0.account ?? unknownAccount })),
            "region": .stringArray(distinct(digest.alerts.map(\.region))),
            "kind": .stringArray(distinct(["digest"] + digest.alerts.map(\.kind.rawValue))),
        ]
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
