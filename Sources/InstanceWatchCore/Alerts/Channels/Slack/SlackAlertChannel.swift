import FoundationEssentials

/// Alerts in Slack through an incoming webhook: each alert one message, a digest one message.
public struct SlackAlertChannel: AlertChannel {
    public let name = "Slack"
    package let poster: any SlackPosting
    /// `SLACK_CHANNEL`: the channel the payload names, when set.
    package let channel: String?

    public init(poster: any SlackPosting, channel: String?) {
        self.poster = poster
        self.channel = channel
    }

    public func send(each alerts: [Alert], deadline: Date) -> [AlertDeliveryFailure] {
        alerts.compactMap { alert in
            AlertDeliveryFailure.unless("Slack alert for \(alert.instanceId)", ids: [alert.instanceId]) {
                try poster.post(SlackAlertMessage.message(alert, channel: channel), deadline: deadline)
            }
        }
    }

    public func send(digest: AlertDigest, deadline: Date) -> AlertDeliveryFailure? {
        let ids = digest.alerts.map(\.instanceId)
        return AlertDeliveryFailure.unless("Slack digest of \(AlertDeliveryFailure.listed(ids))", ids: ids) {
            try poster.post(SlackAlertMessage.message(digest, channel: channel), deadline: deadline)
        }
    }

    public func send(note: AlertNote, deadline: Date) -> AlertDeliveryFailure? {
        AlertDeliveryFailure.unless("Slack note \"\(note.title)\"", ids: []) {
            try poster.post(SlackAlertMessage.message(note, channel: channel), deadline: deadline)
        }
    }
}
