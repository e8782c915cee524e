import FoundationEssentials

/// Alerts in Slack through an incoming webhook: each alert one message, a digest one message.
public struct SlackAlertChannel: AlertChannel {
    public let name = "Slack"
    let poster: any SlackPosting
    /// `SLACK_CHANNEL`: the channel the payload names, when set.
    let channel: String?

    public init(poster: any SlackPosting, channel: String?) {
        self.poster = poster
        self.channel = channel
    }

    public func send(each alerts: [Alert], deadline: Date) -> [AlertDeliveryFailure] {
        alerts.compactMap { alert in
            do {
                try poster.post(SlackAlertMessage.message(alert, channel: channel), deadline: deadline)
                return nil
            } catch {
                return AlertDeliveryFailure(instanceIds: [alert.instanceId], description: "Slack alert for \(alert.instanceId) not delivered: \(error)", underlying: error)
            }
        }
    }

    public func send(digest: AlertDigest, deadline: Date) -> AlertDeliveryFailure? {
        do {
            try poster.post(SlackAlertMessage.message(digest, channel: channel), deadline: deadline)
            return nil
        } catch {
            let ids = digest.alerts.map(\.instanceId)
            return AlertDeliveryFailure(instanceIds: ids, description: "Slack digest of \(AlertDeliveryFailure.listed(ids)) not delivered: \(error)", underlying: error)
        }
    }

    public func send(note: AlertNote, deadline: Date) -> AlertDeliveryFailure? {
        do {
            try poster.post(SlackAlertMessage.message(note, channel: channel), deadline: deadline)
            return nil
        } catch {
            return AlertDeliveryFailure(instanceIds: [], description: "Slack note \"\(note.title)\" not delivered: \(error)", underlying: error)
        }
    }
}
